/** The three load modes (open-loop rate, closed-loop maximum, backfill) over the shop model. */
import type { Shop } from "./model/mod.ts";
import { type Progress } from "./report.ts";
import { backfillRequest, liveRequest } from "./requests.ts";
import { type Clock, realClock, runOpenLoop } from "./scheduler.ts";
import type { OutgoingRequest, Send, SendResult } from "./sender.ts";
import { LatencyHistogram } from "./stats.ts";
import { type RunSummary, summarize, Tally } from "./tally.ts";

/** What a run needs from its surroundings. */
export interface RunDeps {
  shop: Shop;
  send: Send;
  clock?: Clock;
  /** Wall-clock epoch ms for event timestamps. Default `Date.now`. */
  wallNow?: () => number;
  /** Called about once a second while running. */
  onProgress?: (p: Progress) => void;
  /** Called with each request after it was answered (the suite samples event ids here). */
  onAnswered?: (req: OutgoingRequest, result: SendResult, sentAtWallMs: number) => void;
}

/** Open-loop constant rate: `rate` events/s for `durationS`, in requests of `batch` events. */
export async function runRate(
  deps: RunDeps,
  opts: { rate: number; durationS: number; batch: number; maxInflight?: number },
): Promise<RunSummary> {
  const clock = deps.clock ?? realClock;
  const wallNow = deps.wallNow ?? Date.now;
  const tally = new Tally();
  const stop = ticker(tally, clock, deps.onProgress);
  const start = clock.now();
  // Results wait here until the scheduler reports the latency from the intended send time.
  const answered = new Map<number, { result: SendResult; events: number }>();
  await runOpenLoop({
    rate: opts.rate / opts.batch,
    durationMs: opts.durationS * 1000,
    clock,
    maxInflight: opts.maxInflight,
    send: async (index) => {
      const sentAt = wallNow();
      const req = liveRequest(deps.shop, { batch: opts.batch, nowMs: sentAt });
      const result = await deps.send(req);
      answered.set(index, { result, events: req.events });
      deps.onAnswered?.(req, result, sentAt);
      return result.error === null;
    },
    onComplete: (c) => {
      const done = answered.get(c.index) ?? { result: NOT_SENT, events: opts.batch };
      answered.delete(c.index);
      tally.add(done.result, done.events, c.latencyMs);
    },
  });
  stop();
  return summarize(tally, {
    mode: "rate",
    targetRate: opts.rate,
    batch: opts.batch,
    concurrency: null,
    // The schedule's last request is due just before the end of the window, not at it.
    elapsedMs: Math.max(clock.now() - start, opts.durationS * 1000),
  });
}
const NOT_SENT: SendResult = {
  status: 0,
  accepted: 0,
  rejected: 0,
  error: "Not sent: too many requests in flight (the target cannot keep up with the rate)",
};

/** Closed loop at maximum throughput: `concurrency` workers send back to back for `durationS`. */
export function runMax(
  deps: RunDeps,
  opts: { durationS: number; batch: number; concurrency: number },
): Promise<RunSummary> {
  const clock = deps.clock ?? realClock;
  const deadline = clock.now() + opts.durationS * 1000;
  return runClosedLoop(
    deps,
    { mode: "max", ...opts },
    (sentAt) =>
      clock.now() < deadline ? liveRequest(deps.shop, { batch: opts.batch, nowMs: sentAt }) : null,
  );
}

/** Backfill: `total` historical events over the last `days` days, in batches, as fast as allowed. */
export function runBackfill(
  deps: RunDeps,
  opts: { total: number; days: number; batch: number; concurrency: number },
): Promise<RunSummary> {
  const plan = { total: opts.total, days: opts.days, endMs: (deps.wallNow ?? Date.now)() };
  let next = 0;
  return runClosedLoop(deps, { mode: "backfill", ...opts }, (sentAt) => {
    if (next >= opts.total) return null;
    // Claim and build synchronously: the model is stateful and must see events in order.
    const from = next;
    next += opts.batch;
    return backfillRequest(deps.shop, plan, { from, count: opts.batch, sentAtMs: sentAt });
  });
}

/**
 * `concurrency` workers each send the next request as soon as their previous one is answered,
 * until `nextRequest` returns null.
 */
async function runClosedLoop(
  deps: RunDeps,
  opts: { mode: "max" | "backfill"; batch: number; concurrency: number },
  nextRequest: (sentAtWallMs: number) => OutgoingRequest | null,
): Promise<RunSummary> {
  const clock = deps.clock ?? realClock;
  const wallNow = deps.wallNow ?? Date.now;
  const tally = new Tally();
  const stop = ticker(tally, clock, deps.onProgress);
  const start = clock.now();
  const worker = async () => {
    for (;;) {
      const sentAt = wallNow();
      const req = nextRequest(sentAt);
      if (req === null) return;
      const t0 = clock.now();
      const result = await deps.send(req);
      tally.add(result, req.events, clock.now() - t0);
      deps.onAnswered?.(req, result, sentAt);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  stop();
  return summarize(tally, {
    mode: opts.mode,
    targetRate: null,
    batch: opts.batch,
    concurrency: opts.concurrency,
    elapsedMs: clock.now() - start,
  });
}

function ticker(tally: Tally, clock: Clock, onProgress?: (p: Progress) => void): () => void {
  if (!onProgress) return () => {};
  const start = clock.now();
  let last = start;
  let lastOk = 0;
  const id = setInterval(() => {
    const now = clock.now();
    const rate = ((tally.accepted - lastOk) * 1000) / Math.max(now - last, 1);
    onProgress({
      elapsedS: (now - start) / 1000,
      sent: tally.events,
      ok: tally.accepted,
      errors: tally.errors,
      rate,
      p99: tally.window.quantile(0.99),
    });
    tally.window = new LatencyHistogram();
    last = now;
    lastOk = tally.accepted;
  }, 1000);
  return () => clearInterval(id);
}
