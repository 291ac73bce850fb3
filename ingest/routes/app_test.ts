import assert from "node:assert/strict";
import { RawEventSchema } from "../../shared/events/mod.ts";
import { FakeProducer, post, testApp } from "../testing/app.ts";
import { BRIEF_EXAMPLE } from "../testing/fixtures.ts";
import { createIpBuckets } from "../core/ip_buckets.ts";

const PEER = { remoteAddr: "203.0.113.50" };

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("POST /api/v1/event accepts the brief's example and writes it keyed by user", async () => {
  const { app, producer } = await testApp();
  const res = await app.request("/api/v1/event", post(BRIEF_EXAMPLE, { key: "good_key" }), PEER);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.status, "ok");
  assert.match(body.event_id, /^[0-9a-f-]{36}$/);
  assert.equal(producer.sent.length, 1);
  assert.equal(producer.sent[0]!.topic, "raw_test");
  assert.equal(producer.sent[0]!.messages[0]!.key, "user_789");
  const event = producer.events()[0]!;
  assert.equal(RawEventSchema.safeParse(event).success, true);
  assert.deepEqual(
    [event.event_id, event.event, event.source_id, event.ip, event.received_at],
    [body.event_id, "add_to_cart", "src_web", "203.0.113.50", "2024-03-15T10:31:00.000Z"],
  );
});

Deno.test("every event is stamped with the kind of the key that sent it (#13, 4)", async () => {
  const { app, producer } = await testApp();
  const purchase = { user_id: "u1", event_type: "purchase", event_data: { order_id: "o1" } };
  for (const key of ["good_key", "backend_key"]) {
    const res = await app.request("/api/v1/event", post(purchase, { key }), PEER);
    assert.equal(res.status, 200, await res.text());
  }
  const batch = { batch: [{ type: "track", userId: "u2", event: "Order Completed" }] };
  assert.equal(
    (await app.request("/v1/batch", post(batch, { key: "backend_key" }), PEER)).status,
    200,
  );
  assert.deepEqual(
    producer.events().map((e) => [e.source_id, e.source_kind]),
    [["src_web", "public"], ["src_api", "server"], ["src_api", "server"]],
  );
});

Deno.test("a retried request without event ids gets the same ids, single and batch (#13, 10)", async () => {
  const ids: string[][] = [];
  for (const at of ["2024-03-15T10:31:00.000Z", "2024-03-16T00:00:05.000Z"]) {
    const { app, producer } = await testApp({ now: () => Date.parse(at) });
    const single = await app.request(
      "/api/v1/event",
      post(BRIEF_EXAMPLE, { key: "good_key" }),
      PEER,
    );
    const batch = {
      batch: [{ type: "track", userId: "u1", event: "A" }, { type: "page", userId: "u1" }],
      sentAt: at,
    };
    const res = await app.request("/v1/batch", post(batch, { key: "good_key" }), PEER);
    assert.deepEqual([single.status, res.status], [200, 200]);
    ids.push([
      (await single.json()).event_id,
      ...producer.events().slice(1).map((e) => String(e.event_id)),
    ]);
  }
  assert.equal(new Set(ids[0]).size, 3);
  assert.deepEqual(ids[1], ids[0]);
});

Deno.test("write keys are read from X-Write-Key and from the body", async () => {
  const { app, producer } = await testApp();
  const header = await app.request(
    "/api/v1/event",
    post(BRIEF_EXAMPLE, { headers: { "x-write-key": "good_key" } }),
    PEER,
  );
  assert.equal(header.status, 200);
  const inBody = await app.request(
    "/v1/track",
    post({ writeKey: "good_key", userId: "u", event: "E" }),
    PEER,
  );
  assert.equal(inBody.status, 200);
  assert.deepEqual((await inBody.json()).success, true);
  assert.equal(producer.sent.length, 2);
});

Deno.test("missing, unknown and revoked keys answer 401/401/403 naming writeKey", async () => {
  const { app, producer } = await testApp();
  const cases: [string | undefined, number, string][] = [
    [undefined, 401, "MISSING_WRITE_KEY"],
    ["nope", 401, "INVALID_WRITE_KEY"],
    ["revoked_key", 403, "REVOKED_WRITE_KEY"],
  ];
  for (const [key, status, code] of cases) {
    const res = await app.request("/api/v1/event", post(BRIEF_EXAMPLE, { key }), PEER);
    assert.equal(res.status, status);
    const { error } = await res.json();
    assert.deepEqual([error.code, error.field], [code, "writeKey"]);
  }
  const revoked = await app.request(
    "/api/v1/event",
    post(BRIEF_EXAMPLE, { key: "revoked_key" }),
    PEER,
  );
  assert.match(
    (await revoked.json()).error.message,
    /^Write key of source "src_old" was revoked at 2024-01-01/,
  );
  assert.equal(producer.sent.length, 0);
});

Deno.test("a bad field answers 400 with code, message and field, writing nothing", async () => {
  const { app, producer } = await testApp();
  const res = await app.request(
    "/api/v1/event",
    post({ ...BRIEF_EXAMPLE, timestamp: "yesterday" }, { key: "good_key" }),
    PEER,
  );
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), {
    error: {
      code: "INVALID_FIELD",
      message:
        'Field "timestamp" must be an ISO 8601 date-time with timezone such as 2024-03-15T10:30:00Z, got the string "yesterday"',
      field: "timestamp",
    },
  });
  assert.equal(producer.sent.length, 0);
});

Deno.test("bad JSON, bad gzip and wrong content type answer 400/400/415", async () => {
  const { app } = await testApp();
  const badJson = await app.request("/api/v1/event", post("{oops", { key: "good_key" }), PEER);
  assert.equal(badJson.status, 400);
  assert.equal((await badJson.json()).error.code, "INVALID_JSON");
  const badGzip = await app.request(
    "/api/v1/event",
    post(JSON.stringify(BRIEF_EXAMPLE), {
      key: "good_key",
      headers: { "content-encoding": "gzip" },
    }),
    PEER,
  );
  assert.equal(badGzip.status, 400);
  assert.equal((await badGzip.json()).error.code, "INVALID_GZIP");
  const form = await app.request(
    "/api/v1/event",
    post("a=b", {
      key: "good_key",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    }),
    PEER,
  );
  assert.equal(form.status, 415);
  assert.equal((await form.json()).error.field, "content-type");
});

Deno.test("a gzip JSON body labelled as a form is read as JSON (RudderStack Node SDK)", async () => {
  const { app, producer } = await testApp();
  const json = JSON.stringify({
    batch: [{ type: "track", event: "Signed Up", userId: "u1", messageId: "m-form-1" }],
  });
  const res = await app.request("/v1/batch", {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa("good_key:")}`,
      "content-type": "application/x-www-form-urlencoded",
      "content-encoding": "gzip",
    },
    body: await gzip(json),
  }, PEER);
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(producer.events().map((e) => [e.event_id, e.event]), [[
    "m-form-1",
    "Signed Up",
  ]]);
});

Deno.test("gzip bodies and sendBeacon text/plain bodies are accepted", async () => {
  const { app, producer } = await testApp();
  const zipped = await app.request("/api/v1/event", {
    method: "POST",
    headers: {
      "content-encoding": "gzip",
      "content-type": "application/json",
      "x-write-key": "good_key",
    },
    body: await gzip(JSON.stringify(BRIEF_EXAMPLE)),
  }, PEER);
  assert.equal(zipped.status, 200);
  const beacon = await app.request("/v1/page", {
    method: "POST",
    headers: { "content-type": "text/plain;charset=UTF-8" },
    body: JSON.stringify({ writeKey: "good_key", anonymousId: "a1", name: "Home" }),
  }, PEER);
  assert.equal(beacon.status, 200);
  assert.deepEqual(producer.events().map((e) => e.event), ["add_to_cart", "page_view"]);
});

Deno.test("oversize single events and batches answer 413", async () => {
  const { app } = await testApp();
  const big = { ...BRIEF_EXAMPLE, event_data: { pad: "x".repeat(3000) } };
  const single = await app.request("/api/v1/event", post(big, { key: "good_key" }), PEER);
  assert.equal(single.status, 413);
  assert.deepEqual((await single.json()).error.code, "PAYLOAD_TOO_LARGE");
  const tooMany = await app.request(
    "/api/v1/events",
    post({ events: Array(21).fill(BRIEF_EXAMPLE) }, { key: "good_key" }),
    PEER,
  );
  assert.equal(tooMany.status, 413);
  assert.equal((await tooMany.json()).error.code, "BATCH_TOO_LARGE");
  const bomb = await gzip(
    JSON.stringify({ events: [{ ...BRIEF_EXAMPLE, event_data: { pad: "y".repeat(100_000) } }] }),
  );
  const zipped = await app.request("/api/v1/events", {
    method: "POST",
    headers: { "content-encoding": "gzip", "x-write-key": "good_key" },
    body: bomb,
  }, PEER);
  assert.equal(zipped.status, 413);
  assert.match((await zipped.json()).error.message, /8192-byte limit after gzip decompression/);
});

Deno.test("a batch accepts valid items and lists the rejected ones by index", async () => {
  const { app, producer } = await testApp();
  const events = [BRIEF_EXAMPLE, { ...BRIEF_EXAMPLE, event_type: 7 }, {
    ...BRIEF_EXAMPLE,
    user_id: "u2",
  }];
  const res = await app.request(
    "/api/v1/events",
    post({ events, sent_at: "2024-03-15T10:30:00Z" }, { key: "good_key" }),
    PEER,
  );
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    status: "partial",
    accepted: 2,
    rejected: [{
      index: 1,
      code: "INVALID_FIELD",
      field: "event_type",
      reason: 'Field "event_type" must be a string, got the number 7',
      retriable: false,
    }],
  });
  assert.equal(producer.sent.length, 1, "one producer call per request");
  assert.deepEqual(producer.sent[0]!.messages.map((m) => m.key), ["user_789", "u2"]);
  assert.equal(producer.events()[0]!.sent_at, "2024-03-15T10:30:00Z");
});

Deno.test("a batch whose every item is invalid answers 400", async () => {
  const { app, producer } = await testApp();
  const res = await app.request(
    "/api/v1/events",
    post([{ user_id: "u" }], { key: "good_key" }),
    PEER,
  );
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.error.field, "events[0].event_type");
  assert.equal(body.accepted, 0);
  assert.equal(producer.sent.length, 0);
});

Deno.test("Segment calls of every type map through /v1/* and /v1/batch", async () => {
  const { app, producer } = await testApp();
  const calls: [string, Record<string, unknown>][] = [
    ["track", { userId: "u1", event: "Signed Up", messageId: "m-track" }],
    ["identify", { userId: "u1", traits: { email: "a@b.c" } }],
    ["page", { anonymousId: "a1", name: "Home" }],
    ["screen", { userId: "u1", name: "Cart" }],
    ["group", { userId: "u1", groupId: "g1" }],
    ["alias", { userId: "u1", previousId: "a1" }],
  ];
  for (const [type, body] of calls) {
    const res = await app.request(`/v1/${type}`, post(body, { key: "good_key" }), PEER);
    assert.equal(res.status, 200, `${type}: ${await res.clone().text()}`);
  }
  const batch = await app.request(
    "/v1/b",
    post({
      batch: [{ type: "track", userId: "u2", event: "E" }, { type: "bogus", userId: "u2" }],
      context: { library: { name: "analytics.js" } },
    }, { key: "good_key" }),
    PEER,
  );
  assert.equal(batch.status, 200);
  const body = await batch.json();
  assert.deepEqual([body.success, body.accepted, body.rejected[0].field], [true, 1, "type"]);
  assert.deepEqual(
    producer.events().map((e) => [e.type, e.event]),
    [
      ["track", "Signed Up"],
      ["identify", "identify"],
      ["page", "page_view"],
      ["screen", "screen_view"],
      ["group", "group"],
      ["alias", "alias"],
      ["track", "E"],
    ],
  );
  assert.equal(producer.events()[0]!.event_id, "m-track");
  assert.deepEqual(producer.events()[6]!.context, { library: { name: "analytics.js" } });
});

Deno.test("rate-limited requests answer 429 with Retry-After", async () => {
  const { app, producer } = await testApp({
    decision: { allowed: false, scope: "write_key", retryAfterSeconds: 3, limit: 100 },
  });
  const res = await app.request("/api/v1/event", post(BRIEF_EXAMPLE, { key: "good_key" }), PEER);
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), "3");
  assert.equal(
    (await res.json()).error.message,
    "Rate limit exceeded: more than 100 events for this write key per window; retry after 3 s",
  );
  assert.equal(producer.sent.length, 0);
});

Deno.test("the per-IP limit stops a flood before key lookup and body read, and counts events (#13, 11)", async () => {
  let lookups = 0;
  let now = 0;
  const byHash = (await testApp()).deps.sources;
  const { app, producer } = await testApp({
    ipBuckets: createIpBuckets({ eventsPerSecond: 2, burst: 4, now: () => now }),
    sources: {
      findByHash: (hash) => {
        lookups++;
        return byHash.findByHash(hash);
      },
    },
  });
  // Random keys: each costs a lookup until the IP's bucket (4 events) is empty.
  for (let i = 0; i < 4; i++) {
    const res = await app.request("/v1/track", post({}, { key: `random-${i}` }), PEER);
    assert.equal(res.status, 401);
  }
  let pulled = false;
  // highWaterMark 0: the stream is pulled only when someone reads the body.
  const body = new ReadableStream({
    pull() {
      pulled = true;
    },
  }, { highWaterMark: 0 });
  const res = await app.request("/v1/track", {
    method: "POST",
    headers: { authorization: `Basic ${btoa("random-5:")}`, "content-type": "application/json" },
    body,
  }, PEER);
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), "1");
  assert.match((await res.json()).error.message, /more than 2 events per second from this IP/);
  assert.deepEqual([lookups, pulled], [4, false]);
  // Another IP is not affected; a batch counts each of its events against its IP.
  const other = { remoteAddr: "203.0.113.51" };
  const three = { batch: [1, 2, 3].map((n) => ({ type: "track", userId: `u${n}`, event: "E" })) };
  assert.equal(
    (await app.request("/v1/batch", post(three, { key: "good_key" }), other)).status,
    200,
  );
  const two = { batch: three.batch.slice(0, 2) };
  const over = await app.request("/v1/batch", post(two, { key: "good_key" }), other);
  assert.equal(over.status, 429, "1 token left: a 2-event batch is over");
  now = 2000;
  assert.equal((await app.request("/v1/batch", post(two, { key: "good_key" }), other)).status, 200);
  assert.equal(producer.events().length, 5);
});

Deno.test("Kafka errors and timeouts answer 503 with Retry-After and count producer errors", async () => {
  for (const mode of ["fail", "hang"] as const) {
    const { app, producer, deps } = await testApp();
    if (mode === "fail") (producer as FakeProducer).fail = new Error("broker down");
    else producer.hang = true;
    const res = await app.request("/api/v1/event", post(BRIEF_EXAMPLE, { key: "good_key" }), PEER);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get("retry-after"), "7");
    assert.equal((await res.json()).error.code, "KAFKA_UNAVAILABLE");
    const metrics = await deps.registry.metrics();
    assert.match(
      metrics,
      /eventflow_ingest_events_total\{source="src_web",outcome="failed",service="ingest"\} 1/,
    );
  }
});

Deno.test("X-Forwarded-For is honoured only from trusted proxies", async () => {
  const { app, producer } = await testApp();
  const xff = { "x-forwarded-for": "6.6.6.6, 198.51.100.1" };
  await app.request("/api/v1/event", post(BRIEF_EXAMPLE, { key: "good_key", headers: xff }), {
    remoteAddr: "127.0.0.1",
  });
  await app.request("/api/v1/event", post(BRIEF_EXAMPLE, { key: "good_key", headers: xff }), PEER);
  assert.deepEqual(producer.events().map((e) => e.ip), ["198.51.100.1", "203.0.113.50"]);
});

Deno.test("CORS preflight is answered for the tracking routes", async () => {
  const { app } = await testApp({ corsOrigins: ["https://shop.example"] });
  const res = await app.request("/v1/track", {
    method: "OPTIONS",
    headers: {
      origin: "https://shop.example",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type,authorization",
    },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), "https://shop.example");
  const other = await app.request("/v1/track", {
    method: "OPTIONS",
    headers: { origin: "https://evil.example" },
  });
  assert.equal(other.headers.get("access-control-allow-origin"), null);
});

Deno.test("CORS headers are on accepted, rejected and ops responses for allowed origins only", async () => {
  const { app } = await testApp({ corsOrigins: ["https://shop.example"] });
  const shop = { origin: "https://shop.example" };
  const ok = await app.request(
    "/api/v1/event",
    post(BRIEF_EXAMPLE, { key: "good_key", headers: shop }),
    PEER,
  );
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("access-control-allow-origin"), "https://shop.example");
  assert.equal(ok.headers.get("access-control-expose-headers"), "Retry-After");
  assert.equal(ok.headers.get("vary"), "Origin");
  assert.equal(ok.headers.get("content-type"), "application/json");
  const bad = await app.request(
    "/api/v1/event",
    post({}, { key: "good_key", headers: shop }),
    PEER,
  );
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get("access-control-allow-origin"), "https://shop.example");
  const ops = await app.request("/healthz", { headers: shop });
  assert.equal(ops.headers.get("access-control-allow-origin"), "https://shop.example");
  const evil = await app.request(
    "/api/v1/event",
    post(BRIEF_EXAMPLE, { key: "good_key", headers: { origin: "https://evil.example" } }),
    PEER,
  );
  assert.equal(evil.status, 200);
  assert.equal(evil.headers.get("access-control-allow-origin"), null);
  const { app: open } = await testApp();
  const any = await open.request("/api/v1/event", post(BRIEF_EXAMPLE, { key: "good_key" }), PEER);
  assert.equal(any.headers.get("access-control-allow-origin"), "*");
  assert.equal(any.headers.get("vary"), null);
});

Deno.test("metrics count requests by route and status; unknown paths answer 404 JSON", async () => {
  const { app, deps } = await testApp();
  await app.request("/api/v1/event", post(BRIEF_EXAMPLE, { key: "good_key" }), PEER);
  const missing = await app.request("/nope", { method: "POST" });
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, "NOT_FOUND");
  const text = await deps.registry.metrics();
  assert.match(
    text,
    /eventflow_ingest_requests_total\{route="\/api\/v1\/event",status="200",service="ingest"\} 1/,
  );
  assert.match(
    text,
    /eventflow_ingest_events_total\{source="src_web",outcome="accepted",service="ingest"\} 1/,
  );
});

Deno.test("a rejected single event counts one validation failure, not two", async () => {
  const { app, deps } = await testApp();
  for (const path of ["/api/v1/event", "/v1/track"]) {
    const res = await app.request(path, post({ userId: "u1" }, { key: "good_key" }), PEER);
    assert.equal(res.status, 400);
  }
  const text = await deps.registry.metrics();
  assert.match(
    text,
    /eventflow_ingest_validation_failures_total\{reason="MISSING_FIELD",service="ingest"\} 2\n/,
  );
  assert.match(
    text,
    /eventflow_ingest_events_total\{source="src_web",outcome="rejected",service="ingest"\} 2\n/,
  );
});

Deno.test("the public port serves status only: no /metrics, no check names or error text", async () => {
  const { app } = await testApp({
    checks: [{
      name: "postgres",
      check: () => Promise.reject(new Error("password for db1.internal")),
    }],
  });
  await app.request("/api/v1/event", post(BRIEF_EXAMPLE, { key: "good_key" }), PEER);
  const metrics = await app.request("/metrics");
  assert.equal(metrics.status, 404);
  assert.doesNotMatch(await metrics.text(), /src_web|eventflow_/);
  const ready = await app.request("/readyz");
  assert.equal(ready.status, 503);
  assert.deepEqual(await ready.json(), { status: "not ready" });
  const healthy = await app.request("/healthz");
  assert.deepEqual([healthy.status, await healthy.json()], [200, { status: "ok" }]);
});

Deno.test("bodies nested deeper than 32 levels answer 400 naming the field on every path, never 5xx (#13, 5)", async () => {
  const limits = {
    maxEventBytes: 1_000_000,
    maxBatchBytes: 1_000_000,
    maxCompressedBytes: 1_000_000,
    maxBatchEvents: 20,
    bodyTimeoutMs: 10_000,
    maxInflightRequests: 100,
  };
  const { app, producer } = await testApp({ limits });
  const nested = (depth: number) => {
    let value: unknown = "jane.doe@example.com";
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };
  for (const depth of [40, 3000, 6000, 100_000]) {
    const own = { ...BRIEF_EXAMPLE, event_data: { list: nested(depth) } };
    const segment = { userId: "u1", event: "E", properties: { list: nested(depth) } };
    const cases: Array<[string, unknown, string, boolean]> = [
      ["/api/v1/event", own, "event_data.list", false],
      ["/api/v1/events", { events: [BRIEF_EXAMPLE, own] }, "events[1].event_data.list", false],
      ["/v1/track", segment, "properties.list", false],
      ["/v1/batch", { batch: [{ ...segment, type: "track" }] }, "batch[0].properties.list", false],
      ["/v1/batch", { batch: [{ ...segment, type: "track" }] }, "batch[0].properties.list", true],
    ];
    for (const [path, body, field, zipped] of cases) {
      const text = JSON.stringify(body);
      const res = await app.request(path, {
        method: "POST",
        headers: {
          authorization: `Basic ${btoa("good_key:")}`,
          // RudderStack's Node SDK labels its gzip JSON as a form.
          ...(zipped
            ? {
              "content-encoding": "gzip",
              "content-type": "application/x-www-form-urlencoded",
            }
            : { "content-type": "application/json" }),
        },
        body: zipped ? await gzip(text) : text,
      }, PEER);
      const answer = await res.json();
      assert.equal(res.status, 400, `${path} depth ${depth}: ${JSON.stringify(answer)}`);
      assert.equal(answer.error.code, "JSON_TOO_DEEP");
      assert.ok(answer.error.field.startsWith(`${field}[0]`), answer.error.field);
      assert.match(answer.error.message, /deeper than 32 levels/);
    }
  }
  assert.equal(producer.sent.length, 0);
  const ok = await app.request(
    "/api/v1/event",
    post({ ...BRIEF_EXAMPLE, event_data: { list: nested(29) } }, { key: "good_key" }),
    PEER,
  );
  assert.equal(ok.status, 200, "32 levels counting the body are accepted");
});

Deno.test("order and product ids over 256 characters answer 400 naming the field; in a batch that item is rejected (#13, 8)", async () => {
  const limits = {
    maxEventBytes: 100_000,
    maxBatchBytes: 100_000,
    maxCompressedBytes: 100_000,
    maxBatchEvents: 20,
    bodyTimeoutMs: 10_000,
    maxInflightRequests: 100,
  };
  const { app, producer } = await testApp({ limits });
  const long = "o".repeat(10_000);
  const purchase = (data: Record<string, unknown>) => ({
    ...BRIEF_EXAMPLE,
    event_type: "purchase",
    event_data: { order_id: "ord_1", revenue: 10, ...data },
  });
  const singles: Array<[string, unknown, string]> = [
    ["/api/v1/event", purchase({ order_id: long }), "event_data.order_id"],
    [
      "/api/v1/event",
      { ...BRIEF_EXAMPLE, event_data: { product_id: long } },
      "event_data.product_id",
    ],
    [
      "/api/v1/event",
      purchase({ items: [{ product_id: "p1", price: 1 }, { sku: long, price: 1 }] }),
      "event_data.items[1].sku",
    ],
    [
      "/v1/track",
      { userId: "u1", event: "Order Completed", properties: { order_id: long } },
      "properties.order_id",
    ],
    [
      "/v1/track",
      { userId: "u1", event: "Order Completed", properties: { products: [{ product_id: long }] } },
      "properties.products[0].product_id",
    ],
  ];
  for (const [path, body, field] of singles) {
    const res = await app.request(path, post(body, { key: "good_key" }), PEER);
    const answer = await res.json();
    assert.equal(res.status, 400, `${path} ${field}: ${JSON.stringify(answer)}`);
    assert.deepEqual([answer.error.code, answer.error.field], ["INVALID_FIELD", field]);
    assert.match(answer.error.message, /at most 256/);
  }
  assert.equal(producer.sent.length, 0);
  const batch = await app.request(
    "/api/v1/events",
    post({ events: [purchase({ order_id: "o".repeat(256) }), purchase({ order_id: long })] }, {
      key: "good_key",
    }),
    PEER,
  );
  const answer = await batch.json();
  assert.equal(batch.status, 200);
  assert.deepEqual(
    answer.rejected.map((r: { index: number; field: string }) => [r.index, r.field]),
    [[1, "event_data.order_id"]],
  );
  assert.equal(producer.events().length, 1, "256 characters are accepted");
});

Deno.test("ids with control characters, spaces or non-ASCII event ids answer 400 naming the field (#13, 9)", async () => {
  const { app, producer } = await testApp();
  const rejected: Array<[string, unknown, string]> = [
    ["/api/v1/event", { ...BRIEF_EXAMPLE, event_id: "evt\n1" }, "event_id"],
    ["/api/v1/event", { ...BRIEF_EXAMPLE, event_id: "evt-🔥" }, "event_id"],
    ["/api/v1/event", { ...BRIEF_EXAMPLE, event_id: "evt 1" }, "event_id"],
    ["/api/v1/event", { ...BRIEF_EXAMPLE, event_id: "évt" }, "event_id"],
    ["/api/v1/event", { ...BRIEF_EXAMPLE, user_id: "u\r\nX-Evil: 1" }, "user_id"],
    ["/api/v1/event", { ...BRIEF_EXAMPLE, session_id: "s\u0000" }, "session_id"],
    ["/api/v1/event", { ...BRIEF_EXAMPLE, anonymous_id: "a\u2028b" }, "anonymous_id"],
    ["/v1/track", { userId: "u1", event: "E", messageId: "m\r\n1" }, "messageId"],
    ["/v1/track", { userId: "u1", event: "E", messageId: "m-\ud800" }, "messageId"],
    ["/v1/track", { userId: "u\t1", event: "E" }, "userId"],
    ["/v1/group", { userId: "u1", groupId: "g\n1" }, "groupId"],
    ["/v1/alias", { userId: "u1", previousId: "a\u00851" }, "previousId"],
    [
      "/v1/track",
      { userId: "u1", event: "E", context: { sessionId: "s\n1" } },
      "context.sessionId",
    ],
  ];
  for (const [path, body, field] of rejected) {
    const res = await app.request(path, post(body, { key: "good_key" }), PEER);
    const answer = await res.json();
    assert.equal(res.status, 400, `${path} ${field}: ${JSON.stringify(answer)}`);
    assert.deepEqual([answer.error.code, answer.error.field], ["INVALID_FIELD", field]);
    assert.match(answer.error.message, /character/);
  }
  assert.equal(producer.sent.length, 0);
  // Real ids keep working: UUIDs, Segment and RudderStack ids, emails and names as user ids.
  const accepted: Array<[string, unknown]> = [
    ["/api/v1/event", {
      ...BRIEF_EXAMPLE,
      event_id: "0b6f1c1e-5a4c-4a53-9a8e-1f0c2d3e4f50",
      user_id: "jane.doe+shop@example.com",
    }],
    ["/api/v1/event", { ...BRIEF_EXAMPLE, event_id: "ajs-next-1712345678901-abc:def/ghi_jkl.~" }],
    ["/v1/track", {
      userId: "Zoë Müller 用户",
      anonymousId: "anon_123",
      event: "E",
      messageId: "node-next-1712345678901-0b6f1c1e-5a4c",
    }],
  ];
  for (const [path, body] of accepted) {
    const res = await app.request(path, post(body, { key: "good_key" }), PEER);
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
  }
  const batch = await app.request(
    "/api/v1/events",
    post({ events: [BRIEF_EXAMPLE, { ...BRIEF_EXAMPLE, event_id: "evt\n2" }] }, {
      key: "good_key",
    }),
    PEER,
  );
  assert.equal(batch.status, 200);
  assert.deepEqual(
    (await batch.json()).rejected.map((r: { index: number; field: string }) => [r.index, r.field]),
    [[1, "event_id"]],
  );
});
