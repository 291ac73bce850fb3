import assert from "node:assert/strict";
import { BRIEF_EXAMPLE, facts } from "../testing/fixtures.ts";
import { mapEventflowEvent } from "./eventflow_format.ts";
import { mapSegmentEvent } from "./segment_format.ts";
import type { MapResult } from "./result.ts";

function idOf(result: MapResult): string {
  assert.ok(result.ok);
  return result.event.event_id;
}

Deno.test("derived event ids are UUID-shaped and the same for a retry sent later, from elsewhere (#13, 10)", () => {
  const first = idOf(mapEventflowEvent(BRIEF_EXAMPLE, facts()));
  assert.match(first, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // The retry arrives 10 minutes later, through another IP, with a new sent_at.
  const retry = idOf(mapEventflowEvent(
    { ...BRIEF_EXAMPLE, sent_at: "2024-03-15T10:40:59Z" },
    facts({
      receivedAt: Date.parse("2024-03-15T10:41:00.000Z"),
      ip: "203.0.113.9",
      userAgent: "other",
    }),
  ));
  assert.equal(retry, first);
  // A Segment batch retried with a new batch-level sentAt keeps its ids too.
  const call = { type: "track", userId: "u1", event: "Viewed", timestamp: "2024-03-15T10:30:00Z" };
  assert.equal(
    idOf(mapSegmentEvent(call, facts(), { defaults: { sentAt: "2024-03-15T10:30:01Z" } })),
    idOf(mapSegmentEvent(call, facts(), { defaults: { sentAt: "2024-03-15T10:35:00Z" } })),
  );
});

Deno.test("derived event ids differ when the event, its time, its user or its source differ (#13, 10)", () => {
  const base = idOf(mapEventflowEvent(BRIEF_EXAMPLE, facts()));
  const variants = [
    mapEventflowEvent({ ...BRIEF_EXAMPLE, timestamp: "2024-03-15T10:30:01Z" }, facts()),
    mapEventflowEvent({ ...BRIEF_EXAMPLE, user_id: "user_790" }, facts()),
    mapEventflowEvent({ ...BRIEF_EXAMPLE, event_type: "purchase" }, facts()),
    mapEventflowEvent({ ...BRIEF_EXAMPLE, event_data: { product_id: 123, price: 1 } }, facts()),
    mapEventflowEvent(
      BRIEF_EXAMPLE,
      facts({ source: { sourceId: "src_other", platform: "web", kind: "public" } }),
    ),
  ].map(idOf);
  assert.equal(new Set([base, ...variants]).size, variants.length + 1);
});

Deno.test("a client's own event id is kept as sent", () => {
  assert.equal(idOf(mapEventflowEvent({ ...BRIEF_EXAMPLE, event_id: "evt-1" }, facts())), "evt-1");
  assert.equal(
    idOf(mapSegmentEvent({ type: "track", userId: "u", event: "E", messageId: "ajs-1" }, facts())),
    "ajs-1",
  );
});
