/** EventFlow's own API: `POST /api/v1/event` (one event) and `POST /api/v1/events` (a batch). */
import { Hono } from "hono";
import { batchItems, mapBatch } from "../core/batch.ts";
import { IngestError } from "../core/errors.ts";
import { mapEventflowEvent } from "../core/eventflow_format.ts";
import { readTimestamp } from "../core/fields.ts";
import type { IngestDeps, IngestEnv } from "./deps.ts";
import { enforceRateLimit, parseRequest, publish, respondBatch } from "./pipeline.ts";

/** The EventFlow-format routes, to mount under `/api/v1`. */
export function eventflowRoutes(deps: IngestDeps): Hono<IngestEnv> {
  const app = new Hono<IngestEnv>();

  app.post("/event", async (c) => {
    const parsed = await parseRequest(c, deps, { batch: false });
    enforceRateLimit(deps, parsed, 1);
    const result = mapEventflowEvent(parsed.body, parsed.facts);
    if (!result.ok) {
      const { code, field, message } = result.rejection;
      // Counted as a validation failure by the app's onError when the 400 below is thrown.
      deps.metrics.events.inc({ source: parsed.source.sourceId, outcome: "rejected" });
      throw new IngestError(400, code, message, { field });
    }
    await publish(deps, parsed.source.sourceId, [result.event]);
    return c.json({ status: "ok", event_id: result.event.event_id });
  });

  app.post("/events", async (c) => {
    const parsed = await parseRequest(c, deps, { batch: true });
    const { items, envelope } = batchItems(parsed.body, {
      listKey: "events",
      maxEvents: deps.limits.maxBatchEvents,
    });
    enforceRateLimit(deps, parsed, items.length);
    const batchSentAt = readBatchSentAt(envelope);
    const outcome = mapBatch(
      items,
      (item) => mapEventflowEvent(item, parsed.facts, { batchSentAt }),
      { maxEventBytes: deps.limits.maxEventBytes },
    );
    return respondBatch(c, deps, { parsed, outcome, listKey: "events" });
  });

  return app;
}

/** The batch-level `sent_at`; a malformed one fails the whole request, since it skews every event. */
function readBatchSentAt(envelope: Record<string, unknown>): string | null {
  try {
    return readTimestamp(envelope, "sent_at");
  } catch (error) {
    throw new IngestError(400, "INVALID_FIELD", (error as Error).message, { field: "sent_at" });
  }
}
