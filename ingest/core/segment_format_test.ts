import assert from "node:assert/strict";
import { RawEventSchema } from "../../shared/events/mod.ts";
import { facts } from "../testing/fixtures.ts";
import type { MapResult } from "./result.ts";
import { mapSegmentEvent } from "./segment_format.ts";

const backend = facts({
  source: { sourceId: "src_api", platform: "backend", kind: "server" },
  ip: "10.0.0.9",
});

function accepted(result: MapResult) {
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(RawEventSchema.safeParse(result.event).success, true);
  return result.event;
}

function rejection(result: MapResult) {
  assert.equal(result.ok, false);
  return (result as Extract<MapResult, { ok: false }>).rejection;
}

Deno.test("mapSegmentEvent() maps a track call: messageId, ids, properties, context, times", () => {
  const event = accepted(mapSegmentEvent(
    {
      messageId: "msg-1",
      userId: "u1",
      anonymousId: "a1",
      event: "Order Completed",
      properties: { revenue: 10 },
      context: {
        page: { url: "https://s.example/c", referrer: "https://r.example/" },
        sessionId: "s9",
      },
      timestamp: "2024-03-15T10:30:00Z",
      sentAt: "2024-03-15T10:30:10Z",
    },
    facts(),
    { type: "track" },
  ));
  assert.equal(event.event_id, "msg-1");
  assert.deepEqual([event.type, event.event, event.user_id, event.anonymous_id], [
    "track",
    "Order Completed",
    "u1",
    "a1",
  ]);
  assert.deepEqual(event.properties, { revenue: 10 });
  assert.equal(event.url, "https://s.example/c");
  assert.equal(event.referrer, "https://r.example/");
  assert.equal(event.session_id, "s9");
  assert.equal(event.platform, "web");
  assert.equal(event.format, "segment");
  assert.equal(event.timestamp, "2024-03-15T10:30:50.000Z");
});

Deno.test("mapSegmentEvent() names page and screen calls page_view/screen_view keeping the name", () => {
  const page = accepted(mapSegmentEvent(
    {
      anonymousId: "a1",
      name: "Pricing",
      category: "Docs",
      properties: { url: "https://s.example/pricing" },
    },
    facts(),
    { type: "page" },
  ));
  assert.deepEqual([page.type, page.event], ["page", "page_view"]);
  assert.deepEqual(page.properties, {
    url: "https://s.example/pricing",
    name: "Pricing",
    category: "Docs",
  });
  assert.equal(page.url, "https://s.example/pricing");
  const screen = accepted(
    mapSegmentEvent({ userId: "u1", name: "Home" }, facts(), { type: "screen" }),
  );
  assert.deepEqual([screen.type, screen.event, screen.properties.name], [
    "screen",
    "screen_view",
    "Home",
  ]);
});

Deno.test("mapSegmentEvent() maps identify, group and alias", () => {
  const identify = accepted(
    mapSegmentEvent({ userId: 42, traits: { email: "a@b.c" } }, facts(), { type: "identify" }),
  );
  assert.deepEqual([identify.event, identify.user_id, identify.traits], ["identify", "42", {
    email: "a@b.c",
  }]);
  const group = accepted(
    mapSegmentEvent({ userId: "u1", groupId: "g1", traits: { name: "Acme" } }, facts(), {
      type: "group",
    }),
  );
  assert.deepEqual([group.event, group.group_id, group.traits.name], ["group", "g1", "Acme"]);
  const alias = accepted(
    mapSegmentEvent({ userId: "u1", previousId: "a1" }, facts(), { type: "alias" }),
  );
  assert.deepEqual([alias.event, alias.user_id, alias.previous_id], ["alias", "u1", "a1"]);
});

Deno.test("mapSegmentEvent() rejects what Segment's spec requires", () => {
  assert.deepEqual(rejection(mapSegmentEvent({ userId: "u1" }, facts(), { type: "track" })), {
    code: "MISSING_FIELD",
    field: "event",
    message: 'Field "event" is required',
  });
  assert.deepEqual(rejection(mapSegmentEvent({ traits: {} }, facts(), { type: "identify" })), {
    code: "MISSING_FIELD",
    field: "userId",
    message: 'Field "userId" is required (or "anonymousId")',
  });
  assert.equal(
    rejection(mapSegmentEvent({ userId: "u1" }, facts(), { type: "group" })).field,
    "groupId",
  );
  assert.equal(
    rejection(mapSegmentEvent({ userId: "u1" }, facts(), { type: "alias" })).field,
    "previousId",
  );
  assert.equal(
    rejection(mapSegmentEvent({ anonymousId: "a" }, facts(), { type: "alias" })).field,
    "userId",
  );
});

Deno.test("mapSegmentEvent() reads type from batch items and rejects unknown ones", () => {
  const event = accepted(mapSegmentEvent({ type: "identify", userId: "u1" }, facts()));
  assert.equal(event.type, "identify");
  assert.deepEqual(rejection(mapSegmentEvent({ type: "click", userId: "u1" }, facts())), {
    code: "INVALID_FIELD",
    field: "type",
    message: 'Field "type" must be one of track, identify, page, screen, group, alias, got "click"',
  });
  assert.equal(rejection(mapSegmentEvent({ userId: "u1" }, facts())).code, "MISSING_FIELD");
});

Deno.test("mapSegmentEvent() merges batch context and sentAt under the item's own", () => {
  const event = accepted(mapSegmentEvent(
    {
      type: "track",
      event: "E",
      userId: "u",
      context: { locale: "fr" },
      timestamp: "2024-03-15T10:30:00Z",
    },
    facts(),
    {
      defaults: {
        context: { library: { name: "analytics-node" }, locale: "en" },
        sentAt: "2024-03-15T10:30:00Z",
      },
    },
  ));
  assert.deepEqual(event.context, { library: { name: "analytics-node" }, locale: "fr" });
  assert.equal(event.sent_at, "2024-03-15T10:30:00Z");
  assert.equal(event.timestamp, "2024-03-15T10:31:00.000Z");
});

Deno.test("mapSegmentEvent() takes context.ip and userAgent from backend sources only", () => {
  const body = { userId: "u", event: "E", context: { ip: "203.0.113.5", userAgent: "Safari/17" } };
  const server = accepted(mapSegmentEvent(body, backend, { type: "track" }));
  assert.deepEqual([server.ip, server.user_agent], ["203.0.113.5", "Safari/17"]);
  const browser = accepted(mapSegmentEvent(body, facts(), { type: "track" }));
  assert.deepEqual([browser.ip, browser.user_agent], ["198.51.100.7", "Mozilla/5.0 (test)"]);
  assert.deepEqual(
    rejection(mapSegmentEvent({ ...body, context: { ip: "nope" } }, backend, { type: "track" })),
    {
      code: "INVALID_FIELD",
      field: "context.ip",
      message: 'Field "context.ip" must be an IPv4 or IPv6 address, got "nope"',
    },
  );
});

Deno.test("mapSegmentEvent() rejects a session id from context longer than the contract's 256 chars", () => {
  const long = "s".repeat(257);
  for (
    const [item, field] of [
      [{ context: { sessionId: long } }, "context.sessionId"],
      [{ context: { session_id: long } }, "context.session_id"],
      [{ properties: { session_id: long } }, "properties.session_id"],
    ] as const
  ) {
    const got = rejection(mapSegmentEvent({ userId: "u1", event: "Clicked", ...item }, facts(), {
      type: "track",
    }));
    assert.equal(got.code, "INVALID_FIELD");
    assert.equal(got.field, field);
    assert.equal(got.message, `Field "${field}" is 257 characters long; at most 256 are allowed`);
  }
  const ok = accepted(mapSegmentEvent(
    { userId: "u1", event: "Clicked", context: { sessionId: "s".repeat(256) } },
    facts(),
    { type: "track" },
  ));
  assert.equal(ok.session_id, "s".repeat(256));
});
