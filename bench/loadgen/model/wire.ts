/** Request bodies for ingest's EventFlow-format endpoints. */
import type { ShopEvent } from "./types.ts";

/** Ingest's single-event path. */
export const SINGLE_PATH = "/api/v1/event";
/** Ingest's batch path; the body is `{ "events": [...], "sent_at": ... }`. */
export const BATCH_PATH = "/api/v1/events";

/** The event re-timed to `nowMs` (live traffic happens now, not when the model planned it). */
export function restamp(event: ShopEvent, nowMs: number): ShopEvent {
  return { ...event, timestamp: new Date(nowMs).toISOString() };
}

/** The JSON body of a single-event request. */
export function singleBody(event: ShopEvent): string {
  return JSON.stringify(event);
}

/** The JSON body of a batch request; `sent_at` lets ingest correct client clock skew. */
export function batchBody(events: readonly ShopEvent[], sentAtMs: number): string {
  return JSON.stringify({ events, sent_at: new Date(sentAtMs).toISOString() });
}
