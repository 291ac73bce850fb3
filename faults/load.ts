/**
 * The suite's load: the GadgetStore model (bench/loadgen) sent open-loop at a fixed rate, one
 * event per request so that every answer acknowledges exactly one event id, each answer recorded
 * in a {@link Ledger}. Runs in phases while a scenario injects its fault.
 */
import { createShop, restamp, SINGLE_PATH, singleBody } from "../bench/loadgen/model/mod.ts";
import { runOpenLoop } from "../bench/loadgen/scheduler.ts";
import { createHttpSender } from "../bench/loadgen/sender.ts";
import { isolateEvent } from "./ids.ts";
import { Ledger } from "./ledger.ts";

/** Options of {@link createLoad}. */
export interface LoadOptions {
  /** Events (= requests) per second. */
  rate: number;
  /** Every id the load sends starts with it (unique per run). */
  prefix: string;
  writeKey: string;
  /** Where ingest is now; read per request, so a restarted ingest on a new port gets the load. */
  ingestUrl: () => string;
  /** Model seed (default 1). */
  seed?: number;
  /** A request unanswered after this is recorded as not acknowledged (default 30 000 ms). */
  timeoutMs?: number;
}

/** One scenario's load: run it in phases around the fault; every phase fills the same ledger. */
export interface Load {
  ledger: Ledger;
  /** The id prefix of everything it sends (the audit reads by it). */
  prefix: string;
  /** Sends at the rate for `durationS`; resolves once every request was answered or timed out. */
  run(durationS: number): Promise<void>;
}

// More buyers and sign-ups than the shop's defaults, so that a short run audits PostgreSQL too.
const RATES = { signup: 0.3, funnel: { addToCart: 0.6, purchase: 0.8 } };

/** A load whose phases continue one simulated shop (visitors and their ids stay unique). */
export function createLoad(opts: LoadOptions): Load {
  const shop = createShop({
    seed: opts.seed ?? 1,
    rates: RATES,
    botShare: 0,
    // Few sessions at once, so that a short run's sessions reach the checkout.
    concurrentSessions: 4,
  });
  const ledger = new Ledger();
  const sendOne = async () => {
    const now = Date.now();
    const event = isolateEvent(restamp(shop.next(now), now), opts.prefix);
    const send = createHttpSender(opts.ingestUrl(), {
      writeKey: opts.writeKey,
      timeoutMs: opts.timeoutMs ?? 30_000,
    });
    const result = await send({
      path: SINGLE_PATH,
      body: singleBody(event),
      events: 1,
      userAgent: event.context.userAgent,
    });
    ledger.record([event], result.status, Date.now());
    return result.error === null;
  };
  return {
    ledger,
    prefix: opts.prefix,
    run: async (durationS) =>
      void await runOpenLoop({ rate: opts.rate, durationMs: durationS * 1000, send: sendOne }),
  };
}
