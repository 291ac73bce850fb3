/** Turns the shop model's events into ingest requests for each load mode. */
import {
  BATCH_PATH,
  batchBody,
  restamp,
  type Shop,
  type ShopEvent,
  SINGLE_PATH,
  singleBody,
} from "./model/mod.ts";
import { isBusinessCritical } from "../../shared/events/vocabulary.ts";
import type { OutgoingRequest } from "./sender.ts";

/**
 * The key a shop would send these events with: its back end's (server) when any is a business
 * event, so that orders, refunds and traits count; else the browser's (public). A batch holding
 * one business event goes whole with the server key, as a back end relaying its queue does.
 */
export function keyKindOf(events: readonly ShopEvent[]): "public" | "server" {
  return events.some((e) => isBusinessCritical(e.event_type)) ? "server" : "public";
}

/** Builds the next live request: `batch` events stamped `nowMs` (one event → the single path). */
export function liveRequest(shop: Shop, opts: { batch: number; nowMs: number }): OutgoingRequest {
  if (opts.batch <= 1) {
    const event = restamp(shop.next(opts.nowMs), opts.nowMs);
    return {
      path: SINGLE_PATH,
      body: singleBody(event),
      events: 1,
      userAgent: event.context.userAgent,
      keyKind: keyKindOf([event]),
    };
  }
  const events: ShopEvent[] = [];
  for (let i = 0; i < opts.batch; i++) events.push(restamp(shop.next(opts.nowMs), opts.nowMs));
  return {
    path: BATCH_PATH,
    body: batchBody(events, opts.nowMs),
    events: events.length,
    keyKind: keyKindOf(events),
  };
}

/** Options of {@link backfillRequest}. */
export interface BackfillPlan {
  /** Total events of the backfill. */
  total: number;
  /** History covered, in days, ending at `endMs`. */
  days: number;
  endMs: number;
}

/**
 * Builds the batch holding events `[from, from + count)` of a backfill: sessions start evenly
 * over the window, in order, and no event is later than `endMs`. `sent_at` is the real send time,
 * so ingest's skew correction keeps the historical timestamps.
 */
export function backfillRequest(
  shop: Shop,
  plan: BackfillPlan,
  opts: { from: number; count: number; sentAtMs: number },
): OutgoingRequest {
  const span = plan.days * 86_400_000;
  const start = plan.endMs - span;
  const events: ShopEvent[] = [];
  for (let i = opts.from; i < opts.from + opts.count && i < plan.total; i++) {
    const at = start + (i / plan.total) * span;
    const e = shop.next(Math.floor(at));
    events.push(Date.parse(e.timestamp) > plan.endMs ? restamp(e, plan.endMs) : e);
  }
  return {
    path: BATCH_PATH,
    body: batchBody(events, opts.sentAtMs),
    events: events.length,
    keyKind: keyKindOf(events),
  };
}
