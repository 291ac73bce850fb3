/**
 * Segment-compatible tracking API: `/v1/track|identify|page|screen|group|alias` (one call each)
 * and `/v1/batch`, plus the one-letter paths analytics.js (`@segment/analytics-next`) posts to
 * under its API host: `/t /i /p /s /g /a` (one call each) and `/b` (a batch). Answers carry
 * Segment's `{"success": true}` plus EventFlow's fields.
 */
import { type Context, Hono } from "hono";
import type { EventType } from "../../shared/events/mod.ts";
import { batchItems, mapBatch } from "../core/batch.ts";
import { IngestError } from "../core/errors.ts";
import { isObject, readTimestamp } from "../core/fields.ts";
import { mapSegmentEvent } from "../core/segment_format.ts";
import type { IngestDeps, IngestEnv } from "./deps.ts";
import { enforceRateLimit, parseRequest, publish, respondBatch } from "./pipeline.ts";

const SINGLE_TYPES: EventType[] = ["track", "identify", "page", "screen", "group", "alias"];

/** The handler of a Segment batch: `{"batch": […], "context"?, "sentAt"?}`. */
function segmentBatch(deps: IngestDeps) {
  return async (c: Context<IngestEnv>) => {
    const parsed = await parseRequest(c, deps, { batch: true });
    const { items, envelope } = batchItems(parsed.body, {
      listKey: "batch",
      maxEvents: deps.limits.maxBatchEvents,
    });
    enforceRateLimit(deps, parsed, items.length);
    let sentAt: string | null;
    try {
      sentAt = readTimestamp(envelope, "sentAt");
    } catch (error) {
      throw new IngestError(400, "INVALID_FIELD", (error as Error).message, { field: "sentAt" });
    }
    const context = isObject(envelope.context) ? envelope.context : undefined;
    const outcome = mapBatch(
      items,
      (item) => mapSegmentEvent(item, parsed.facts, { defaults: { context, sentAt } }),
      { maxEventBytes: deps.limits.maxEventBytes },
    );
    return respondBatch(c, deps, { parsed, outcome, listKey: "batch", extra: { success: true } });
  };
}

/** The Segment-format routes, to mount under `/v1`. */
export function segmentRoutes(deps: IngestDeps): Hono<IngestEnv> {
  const app = new Hono<IngestEnv>();

  for (const type of SINGLE_TYPES) {
    const single = async (c: Context<IngestEnv>) => {
      const parsed = await parseRequest(c, deps, { batch: false });
      enforceRateLimit(deps, parsed, 1);
      const result = mapSegmentEvent(parsed.body, parsed.facts, { type });
      if (!result.ok) {
        const { code, field, message } = result.rejection;
        // Counted as a validation failure by the app's onError when the 400 below is thrown.
        deps.metrics.events.inc({ source: parsed.source.sourceId, outcome: "rejected" });
        throw new IngestError(400, code, message, { field });
      }
      await publish(deps, parsed.source.sourceId, [result.event]);
      return c.json({ success: true, status: "ok", event_id: result.event.event_id });
    };
    app.post(`/${type}`, single);
    // analytics.js posts each call to the first letter of its type: track → /t, page → /p, …
    app.post(`/${type[0]}`, single);
  }

  const batch = segmentBatch(deps);
  app.post("/batch", batch);
  app.post("/b", batch);
  return app;
}

/**
 * RudderStack's JS SDK with `useBeacon: true` posts batches by `navigator.sendBeacon` to
 * `/beacon/v1/batch?writeKey=…` (text/plain, no auth header): the same batch, to mount at
 * `/beacon`.
 */
export function beaconRoutes(deps: IngestDeps): Hono<IngestEnv> {
  const app = new Hono<IngestEnv>();
  app.post("/v1/batch", segmentBatch(deps));
  return app;
}
