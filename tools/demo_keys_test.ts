import assert from "node:assert/strict";
import { createShop } from "../bench/loadgen/model/mod.ts";
import { backfillRequest } from "../bench/loadgen/requests.ts";
import type { OutgoingRequest } from "../bench/loadgen/sender.ts";
import { eventsOf, keyedSender, keyKindOf, splitByKey } from "./demo_keys.ts";

Deno.test("keyKindOf() sends purchases, refunds and identify with the server key", () => {
  assert.equal(keyKindOf({ event_type: "purchase" }), "server");
  assert.equal(keyKindOf({ event_type: "Order Completed" }), "server");
  assert.equal(keyKindOf({ event_type: "refund" }), "server");
  assert.equal(keyKindOf({ event_type: "identify", traits: { plan: "pro" } }), "server");
  assert.equal(keyKindOf({ event_type: "page_view" }), "public");
  assert.equal(keyKindOf({ event_type: "add_to_cart" }), "public");
});

Deno.test("splitByKey() splits a shop batch by key, losing and reordering nothing", async () => {
  const shop = createShop({ seed: 3 });
  const now = Date.parse("2026-11-01T12:00:00Z");
  const req = backfillRequest(shop, { total: 2000, days: 14, endMs: now }, {
    from: 0,
    count: 2000,
    sentAtMs: now,
  });
  const parts = splitByKey(req);
  assert.deepEqual(parts.map((p) => p.kind), ["public", "server"]);
  const all = eventsOf(req).events;
  for (const part of parts) {
    const { events, sentAt } = eventsOf(part.req);
    assert.equal(sentAt, new Date(now).toISOString());
    assert.equal(part.req.events, events.length);
    assert.ok(events.every((e) => keyKindOf(e) === part.kind));
    // Order within a kind is kept (per-user order matters downstream).
    assert.deepEqual(
      events.map((e) => e.event_id),
      all.filter((e) => keyKindOf(e) === part.kind).map((e) => e.event_id),
    );
  }
  assert.equal(parts.reduce((n, p) => n + p.req.events, 0), all.length);
  assert.ok(eventsOf(parts[1]!.req).events.some((e) => e.event_type === "purchase"));

  const seen: Record<string, number> = { public: 0, server: 0 };
  const send = keyedSender({
    public: (r: OutgoingRequest) => {
      seen.public! += r.events;
      return Promise.resolve({ status: 200, accepted: r.events, rejected: 0, error: null });
    },
    server: (r: OutgoingRequest) => {
      seen.server! += r.events;
      return Promise.resolve({ status: 401, accepted: 0, rejected: 0, error: "HTTP 401: revoked" });
    },
  });
  const result = await send(req);
  assert.equal(result.accepted, seen.public);
  assert.equal(result.error, "HTTP 401: revoked");
  assert.equal(seen.public! + seen.server!, all.length);
});
