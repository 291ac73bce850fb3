import assert from "node:assert/strict";
import {
  bigPurchase,
  closedPort,
  enrichedEvent,
  instantClock,
  standIn,
} from "../testing/fixtures.ts";
import { verifyWebhook } from "../core/signature.ts";
import { createWebhookDestination } from "./webhook.ts";

const SECRET = "whsec_0123456789abcdef";
const now = () => new Date("2026-04-10T12:00:02Z");

Deno.test("webhook POSTs the alert as JSON with a verifiable signature and idempotency key", async () => {
  await using server = standIn(() => new Response("ok"));
  const event = enrichedEvent();
  const webhook = createWebhookDestination("crm", {
    url: `${server.url}/hooks/eventflow`,
    secret: SECRET,
    delivery: { now },
  });
  const result = await webhook.send({ rule: bigPurchase(), event });
  assert.deepEqual(result, { ok: true, attempts: 1, status: 200 });
  assert.equal(server.received.length, 1);
  const [request] = server.received;
  assert.equal(request!.path, "/hooks/eventflow");
  assert.equal(request!.headers.get("content-type"), "application/json");
  assert.equal(request!.headers.get("idempotency-key"), `${event.event_id}:big_purchase`);
  assert.equal(request!.headers.get("x-eventflow-rule"), "big_purchase");
  const signature = request!.headers.get("x-eventflow-signature");
  assert.match(signature ?? "", /^sha256=[0-9a-f]{64}$/);
  assert.equal(request!.headers.get("x-eventflow-timestamp"), String(now().getTime() / 1000));
  assert.deepEqual(
    verifyWebhook(SECRET, {
      body: request!.body,
      timestamp: request!.headers.get("x-eventflow-timestamp"),
      signature,
    }, { now: now() }),
    { ok: true },
  );
  const body = JSON.parse(request!.body);
  assert.equal(body.alert_id, `${event.event_id}:big_purchase`);
  assert.deepEqual(body.event, event);
  assert.equal(webhook.id, "webhook:crm");
});

Deno.test("webhook retries a 503 with backoff, identical body, freshly signed per attempt", async () => {
  await using server = standIn((_, i) =>
    i < 2 ? new Response("busy", { status: 503 }) : new Response(null, { status: 204 })
  );
  const { clock, delays } = instantClock();
  const retries: number[] = [];
  let second = 1775822402;
  const ticking = () => new Date(second++ * 1000);
  const webhook = createWebhookDestination("crm", {
    url: server.url,
    secret: SECRET,
    delivery: {
      clock,
      now: ticking,
      random: () => 0,
      baseDelayMs: 100,
      onRetry: (n) => retries.push(n),
    },
  });
  const result = await webhook.send({ rule: bigPurchase(), event: enrichedEvent() });
  assert.deepEqual(result, { ok: true, attempts: 3, status: 204 });
  assert.deepEqual(delays, [50, 100]);
  assert.deepEqual(retries, [1, 2]);
  assert.equal(new Set(server.received.map((r) => r.body)).size, 1);
  // Each attempt is signed at its own time (the clock ticks a second per reading), so every one
  // is fresh when it is sent and verifies.
  const stamps = server.received.map((r) => Number(r.headers.get("x-eventflow-timestamp")));
  assert.ok(stamps[0]! < stamps[1]! && stamps[1]! < stamps[2]!, `timestamps ${stamps}`);
  for (const [i, r] of server.received.entries()) {
    const verdict = verifyWebhook(SECRET, {
      body: r.body,
      timestamp: r.headers.get("x-eventflow-timestamp"),
      signature: r.headers.get("x-eventflow-signature"),
    }, { now: new Date(stamps[i]! * 1000), toleranceSeconds: 0 });
    assert.deepEqual(verdict, { ok: true });
  }
});

Deno.test("webhook does not retry a 400 and reports it as rejected with the answer", async () => {
  await using server = standIn(() =>
    Response.json({ error: "unknown field event" }, { status: 400 })
  );
  const { clock, delays } = instantClock();
  const webhook = createWebhookDestination("crm", {
    url: server.url,
    secret: SECRET,
    delivery: { clock },
  });
  const result = await webhook.send({ rule: bigPurchase(), event: enrichedEvent() });
  assert.deepEqual(result, {
    ok: false,
    reason: "DELIVERY_REJECTED",
    error: 'answered 400: {"error":"unknown field event"}',
    attempts: 1,
  });
  assert.equal(server.received.length, 1);
  assert.deepEqual(delays, []);
});

Deno.test("webhook waits what Retry-After asks on 429, capped by the maximum delay", async () => {
  await using server = standIn((_, i) =>
    i === 0
      ? new Response("slow down", { status: 429, headers: { "retry-after": "7" } })
      : i === 1
      ? new Response("slow down", { status: 429, headers: { "retry-after": "600" } })
      : new Response("ok")
  );
  const { clock, delays } = instantClock();
  const webhook = createWebhookDestination("crm", {
    url: server.url,
    secret: SECRET,
    delivery: { clock, maxDelayMs: 60_000 },
  });
  const result = await webhook.send({ rule: bigPurchase(), event: enrichedEvent() });
  assert.equal(result.ok, true);
  assert.deepEqual(delays, [7000, 60_000]);
});

Deno.test("webhook gives up after the attempt limit with the last failure", async () => {
  await using server = standIn(() => new Response("down", { status: 502 }));
  const { clock, delays } = instantClock();
  const webhook = createWebhookDestination("crm", {
    url: server.url,
    secret: SECRET,
    delivery: { clock, attempts: 3, random: () => 0 },
  });
  const result = await webhook.send({ rule: bigPurchase(), event: enrichedEvent() });
  assert.deepEqual(result, {
    ok: false,
    reason: "DELIVERY_EXHAUSTED",
    error: "gave up after 3 attempts, last answered 502: down",
    attempts: 3,
  });
  assert.equal(server.received.length, 3);
  assert.equal(delays.length, 2);
});

Deno.test("webhook retries a timeout and a refused connection", async () => {
  await using server = standIn(async (_, i) => {
    if (i === 0) await new Promise((r) => setTimeout(r, 300));
    return new Response("ok");
  });
  const { clock } = instantClock();
  const failures: string[] = [];
  const webhook = createWebhookDestination("crm", {
    url: server.url,
    secret: SECRET,
    delivery: { clock, timeoutMs: 50, onRetry: (_, __, failure) => failures.push(failure) },
  });
  assert.deepEqual(await webhook.send({ rule: bigPurchase(), event: enrichedEvent() }), {
    ok: true,
    attempts: 2,
    status: 200,
  });
  assert.deepEqual(failures, ["timed out after 50 ms"]);

  const closed = createWebhookDestination("gone", {
    url: `http://127.0.0.1:${closedPort()}/`,
    secret: SECRET,
    delivery: { clock, attempts: 2 },
  });
  const result = await closed.send({ rule: bigPurchase(), event: enrichedEvent() });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.reason, "DELIVERY_EXHAUSTED");
  assert.match(!result.ok ? result.error : "", /^gave up after 2 attempts, last network error: /);
});
