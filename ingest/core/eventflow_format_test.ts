import assert from "node:assert/strict";
import { RawEventSchema } from "../../shared/events/mod.ts";
import { BRIEF_EXAMPLE, facts } from "../testing/fixtures.ts";
import { mapEventflowEvent } from "./eventflow_format.ts";
import type { MapResult } from "./result.ts";

function rejection(result: MapResult) {
  assert.equal(result.ok, false);
  return (result as Extract<MapResult, { ok: false }>).rejection;
}

Deno.test("mapEventflowEvent() maps the brief's example onto a contract-valid RawEvent", () => {
  const result = mapEventflowEvent(BRIEF_EXAMPLE, facts());
  assert.ok(result.ok);
  assert.deepEqual(result.event, {
    schema_version: 1,
    // Derived from the content (no client event_id); a golden value: changing the derivation
    // would give retries of old requests new ids.
    event_id: "ba028021-d748-8e53-8f99-cb8f4fb0bbc4",
    type: "track",
    event: "add_to_cart",
    user_id: "user_789",
    anonymous_id: null,
    session_id: "sess_xyz123",
    group_id: null,
    previous_id: null,
    properties: { product_id: 123, price: 199.99 },
    traits: {},
    context: {},
    platform: "web",
    url: "/products/123",
    referrer: null,
    timestamp: "2024-03-15T10:30:00.000Z",
    client_timestamp: "2024-03-15T10:30:00Z",
    sent_at: null,
    received_at: "2024-03-15T10:31:00.000Z",
    timestamp_clamped: false,
    ip: "198.51.100.7",
    user_agent: "Mozilla/5.0 (test)",
    source_id: "src_web",
    source_kind: "public",
    format: "eventflow",
  });
  assert.equal(RawEventSchema.safeParse(result.event).success, true);
});

Deno.test("mapEventflowEvent() keeps optional fields and applies sent_at correction", () => {
  const result = mapEventflowEvent({
    ...BRIEF_EXAMPLE,
    event_id: "evt-1",
    anonymous_id: "anon-1",
    sent_at: "2024-03-15T10:30:30Z",
    referrer: "https://google.com/",
    traits: { plan: "pro" },
    context: { locale: "de-DE" },
  }, facts());
  assert.ok(result.ok);
  const event = result.event;
  assert.equal(event.event_id, "evt-1");
  assert.equal(event.anonymous_id, "anon-1");
  assert.equal(event.referrer, "https://google.com/");
  assert.deepEqual(event.traits, { plan: "pro" });
  assert.deepEqual(event.context, { locale: "de-DE" });
  // received 10:31:00 − (10:30:30 − 10:30:00) = 10:30:30
  assert.equal(event.timestamp, "2024-03-15T10:30:30.000Z");
  assert.equal(event.sent_at, "2024-03-15T10:30:30Z");
});

Deno.test("mapEventflowEvent() maps page_view, screen_view and identify to their call types", () => {
  const type = (event_type: string) => {
    const result = mapEventflowEvent({ ...BRIEF_EXAMPLE, event_type }, facts());
    assert.ok(result.ok);
    return result.event.type;
  };
  assert.deepEqual(
    ["page_view", "screen_view", "identify", "purchase"].map(type),
    ["page", "screen", "identify", "track"],
  );
});

Deno.test("mapEventflowEvent() falls back to the source platform and context.page", () => {
  const { platform: _, url: __, ...rest } = BRIEF_EXAMPLE;
  const result = mapEventflowEvent(
    {
      ...rest,
      context: { page: { url: "https://shop.example/p/1", referrer: "https://x.example/" } },
    },
    facts({ source: { sourceId: "src_ios", platform: "ios", kind: "public" } }),
  );
  assert.ok(result.ok);
  assert.equal(result.event.platform, "ios");
  assert.equal(result.event.url, "https://shop.example/p/1");
  assert.equal(result.event.referrer, "https://x.example/");
});

Deno.test("mapEventflowEvent() rejects a missing event_type naming the field", () => {
  const { event_type: _, ...rest } = BRIEF_EXAMPLE;
  assert.deepEqual(rejection(mapEventflowEvent(rest, facts())), {
    code: "MISSING_FIELD",
    field: "event_type",
    message: 'Field "event_type" is required',
  });
});

Deno.test("mapEventflowEvent() rejects an event without user_id or anonymous_id", () => {
  const { user_id: _, ...rest } = BRIEF_EXAMPLE;
  assert.deepEqual(rejection(mapEventflowEvent(rest, facts())), {
    code: "MISSING_FIELD",
    field: "user_id",
    message: 'Field "user_id" is required (or "anonymous_id" for visitors who have not logged in)',
  });
});

Deno.test("mapEventflowEvent() rejects wrong types naming field and value", () => {
  assert.deepEqual(rejection(mapEventflowEvent({ ...BRIEF_EXAMPLE, event_data: [1] }, facts())), {
    code: "INVALID_FIELD",
    field: "event_data",
    message: 'Field "event_data" must be a JSON object, got an array',
  });
  assert.deepEqual(rejection(mapEventflowEvent({ ...BRIEF_EXAMPLE, event_type: 42 }, facts())), {
    code: "INVALID_FIELD",
    field: "event_type",
    message: 'Field "event_type" must be a string, got the number 42',
  });
  assert.equal(
    rejection(mapEventflowEvent("nope", facts())).message,
    "Each event must be a JSON object",
  );
});

Deno.test("mapEventflowEvent() rejects a bad timestamp naming the expected format", () => {
  assert.deepEqual(
    rejection(mapEventflowEvent({ ...BRIEF_EXAMPLE, timestamp: "15/03/2024 10:30" }, facts())),
    {
      code: "INVALID_FIELD",
      field: "timestamp",
      message:
        'Field "timestamp" must be an ISO 8601 date-time with timezone such as 2024-03-15T10:30:00Z, got the string "15/03/2024 10:30"',
    },
  );
  assert.equal(
    rejection(mapEventflowEvent({ ...BRIEF_EXAMPLE, timestamp: "2024-03-15T10:30:00" }, facts()))
      .field,
    "timestamp",
  );
});

Deno.test("mapEventflowEvent() rejects overlong strings with the limit", () => {
  const result = mapEventflowEvent({ ...BRIEF_EXAMPLE, event_type: "x".repeat(201) }, facts());
  assert.equal(
    rejection(result).message,
    'Field "event_type" is 201 characters long; at most 200 are allowed',
  );
});

Deno.test("mapEventflowEvent() clamps a far-future event and flags it", () => {
  const result = mapEventflowEvent(
    { ...BRIEF_EXAMPLE, timestamp: "2030-01-01T00:00:00Z" },
    facts(),
  );
  assert.ok(result.ok);
  assert.equal(result.event.timestamp, "2024-03-15T10:31:00.000Z");
  assert.equal(result.event.timestamp_clamped, true);
  assert.equal(result.event.client_timestamp, "2030-01-01T00:00:00Z");
});

Deno.test("mapEventflowEvent() ignores context.ip from browser sources", () => {
  const result = mapEventflowEvent({ ...BRIEF_EXAMPLE, context: { ip: "1.2.3.4" } }, facts());
  assert.ok(result.ok);
  assert.equal(result.event.ip, "198.51.100.7");
});

Deno.test("mapEventflowEvent() cuts a url/referrer taken from context.page to the contract's 8192 chars", () => {
  const long = "https://shop.example/?q=" + "x".repeat(9000);
  const result = mapEventflowEvent(
    { ...BRIEF_EXAMPLE, url: undefined, context: { page: { url: long, referrer: long } } },
    facts(),
  );
  assert.ok(result.ok, JSON.stringify(result));
  assert.equal(result.event.url, long.slice(0, 8192));
  assert.equal(result.event.referrer, long.slice(0, 8192));
  assert.equal(result.event.context.page !== undefined, true);
  assert.equal(RawEventSchema.safeParse(result.event).success, true);
});
