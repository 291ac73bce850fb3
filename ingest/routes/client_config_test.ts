import assert from "node:assert/strict";
import { post, testApp } from "../testing/app.ts";

const PEER = { remoteAddr: "203.0.113.50" };

Deno.test("Segment settings point analytics.js back at this ingest, for a known key only", async () => {
  const { app } = await testApp();
  const res = await app.request("http://events.test:8080/v1/projects/good_key/settings", {}, PEER);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "public, max-age=300");
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  const settings = await res.json();
  assert.deepEqual(settings.integrations["Segment.io"], {
    apiKey: "good_key",
    apiHost: "events.test:8080/v1",
    protocol: "http",
    unbundledIntegrations: [],
    addBundledMetadata: true,
  });
  assert.equal(settings.metrics.sampleRate, 0);

  const unknown = await app.request("/v1/projects/nope/settings", {}, PEER);
  assert.equal(unknown.status, 401);
  assert.deepEqual((await unknown.json()).error.field, "writeKey");
  const revoked = await app.request("/v1/projects/revoked_key/settings", {}, PEER);
  assert.equal(revoked.status, 403);
});

Deno.test("Segment settings name INGEST_PUBLIC_URL when set (TLS proxy in front)", async () => {
  const { app } = await testApp({ publicUrl: "https://events.example.com" });
  const res = await app.request("http://10.0.0.5:8080/v1/projects/good_key/settings", {}, PEER);
  const segment = (await res.json()).integrations["Segment.io"];
  assert.deepEqual([segment.apiHost, segment.protocol], ["events.example.com/v1", "https"]);
});

Deno.test("RudderStack sourceConfig answers the shape the JS SDK checks", async () => {
  const { app } = await testApp();
  const path = "/sourceConfig/?p=npm&v=3.34.1&build=modern&writeKey=good_key";
  const res = await app.request(path, {}, PEER);
  assert.equal(res.status, 200);
  const config = await res.json();
  assert.equal(config.source.id, "src_web");
  assert.equal(config.source.enabled, true);
  assert.deepEqual(config.source.destinations, []);
  assert.equal(config.source.config.statsCollection.errorReports.enabled, false);
  // The key as Basic-auth user, as the SDK also sends it, without the query parameter.
  const byHeader = await app.request("/sourceConfig", {
    headers: { authorization: `Basic ${btoa("good_key:")}` },
  }, PEER);
  assert.equal(byHeader.status, 200);
  const missing = await app.request("/sourceConfig/?p=npm", {}, PEER);
  assert.equal(missing.status, 401);
  assert.equal((await missing.json()).error.code, "MISSING_WRITE_KEY");
});

Deno.test("analytics.js one-letter paths map to their call types under /v1", async () => {
  const { app, producer } = await testApp();
  const calls: [string, Record<string, unknown>][] = [
    ["t", { event: "Clicked", messageId: "m-t" }],
    ["p", { name: "Home", messageId: "m-p" }],
    ["i", { traits: { plan: "pro" }, messageId: "m-i" }],
    ["s", { name: "Cart", messageId: "m-s" }],
    ["g", { groupId: "g1", messageId: "m-g" }],
    ["a", { previousId: "anon-1", messageId: "m-a" }],
  ];
  for (const [path, call] of calls) {
    // analytics.js sends text/plain with the key both in the body and as Basic-auth user.
    const res = await app.request(`/v1/${path}`, {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: `Basic ${btoa("good_key:")}` },
      body: JSON.stringify({ ...call, userId: "u1", writeKey: "good_key" }),
    }, PEER);
    assert.equal(res.status, 200, `/v1/${path}: ${await res.clone().text()}`);
  }
  assert.deepEqual(
    producer.events().map((e) => [e.event_id, e.type]),
    [
      ["m-t", "track"],
      ["m-p", "page"],
      ["m-i", "identify"],
      ["m-s", "screen"],
      ["m-g", "group"],
      ["m-a", "alias"],
    ],
  );
  const missing = await app.request("/v1/t", post({ userId: "u1" }, { key: "good_key" }), PEER);
  assert.equal(missing.status, 400);
  assert.equal((await missing.json()).error.field, "event");
});

Deno.test("CORS preflight allows the GETs and headers browser libraries send", async () => {
  const { app } = await testApp();
  const res = await app.request("/sourceConfig/", {
    method: "OPTIONS",
    headers: {
      origin: "https://shop.example",
      "access-control-request-method": "GET",
      "access-control-request-headers": "authorization,anonymousid,sentat,rsa-retry-attempt",
    },
  }, PEER);
  assert.equal(res.status, 204);
  assert.match(res.headers.get("access-control-allow-methods") ?? "", /GET/);
  const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase();
  for (const header of ["authorization", "anonymousid", "sentat", "rsa-retry-attempt"]) {
    assert.ok(allowed.includes(header), `${header} in ${allowed}`);
  }
});

Deno.test("RudderStack beacon batches: /beacon/v1/batch with the key in the query", async () => {
  const { app, producer } = await testApp();
  const res = await app.request("/beacon/v1/batch?writeKey=good_key", {
    method: "POST",
    headers: { "content-type": "text/plain;charset=UTF-8" },
    body: JSON.stringify({
      batch: [{ type: "track", event: "Beaconed", anonymousId: "a1", messageId: "m-beacon" }],
      sentAt: "2024-03-15T10:31:00.000Z",
    }),
  }, PEER);
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(producer.events().map((e) => [e.event_id, e.event]), [["m-beacon", "Beaconed"]]);
  const unknown = await app.request("/beacon/v1/batch?writeKey=nope", {
    method: "POST",
    body: JSON.stringify({ batch: [] }),
  }, PEER);
  assert.equal(unknown.status, 401);
});
