import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { alertmanagerPayload, instantClock, standIn } from "../testing/fixtures.ts";
import { verifyWebhook } from "../core/signature.ts";
import { createWebhookDestination } from "../adapters/webhook.ts";
import { createAlertsMetrics } from "../metrics.ts";
import { alertmanagerRoutes } from "./alertmanager.ts";

const TOKEN = "am_token_0123456789abcdef";
const SECRET = "whsec_0123456789abcdef";

function receiver(url: string, opts: { attempts?: number } = {}) {
  const registry = new Registry();
  const metrics = createAlertsMetrics(registry);
  const destination = createWebhookDestination("ops", {
    url,
    secret: SECRET,
    delivery: { attempts: opts.attempts ?? 1, clock: instantClock().clock },
  });
  const app = alertmanagerRoutes({
    token: TOKEN,
    destinations: [destination],
    delivered: metrics.delivered,
    now: () => new Date("2026-04-10T12:00:30Z"),
  });
  const post = (body: unknown, token = TOKEN) =>
    app.request("/api/v1/alertmanager", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { app, post, registry };
}

Deno.test("the Alertmanager receiver relays each alert to the destinations, signed", async () => {
  await using hook = standIn(() => new Response("ok"));
  const { post, registry } = receiver(`${hook.url}/ops`);
  const res = await post(alertmanagerPayload());
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { delivered: 1, failed: [] });
  assert.equal(hook.received.length, 1);
  const request = hook.received[0]!;
  assert.equal(
    request.headers.get("idempotency-key"),
    "ops:c0ffee0123456789:firing:2026-04-10T12:00:00Z",
  );
  assert.equal(request.headers.get("x-eventflow-rule"), "EventFlowSinkStoreDown");
  assert.deepEqual(
    verifyWebhook(SECRET, {
      body: request.body,
      timestamp: request.headers.get("x-eventflow-timestamp"),
      signature: request.headers.get("x-eventflow-signature"),
    }),
    { ok: true },
  );
  const body = JSON.parse(request.body);
  assert.equal(body.kind, "ops");
  assert.match(body.text, /FIRING EventFlowSinkStoreDown \[critical\] store=postgres/);
  assert.match(
    await registry.metrics(),
    /eventflow_alerts_delivered_total\{destination="webhook:ops",outcome="delivered"\} 1/,
  );
});

Deno.test("the Alertmanager receiver answers 502 when a destination fails, so Alertmanager retries", async () => {
  await using hook = standIn(() => new Response("down", { status: 503 }));
  const { post } = receiver(`${hook.url}/ops`);
  const res = await post(alertmanagerPayload());
  assert.equal(res.status, 502);
  assert.deepEqual(await res.json(), {
    delivered: 0,
    failed: [{
      destination: "webhook:ops",
      alert_id: "ops:c0ffee0123456789:firing:2026-04-10T12:00:00Z",
    }],
  });
});

Deno.test("the Alertmanager receiver refuses a wrong token and names bad fields", async () => {
  await using hook = standIn(() => new Response("ok"));
  const { post, app } = receiver(`${hook.url}/ops`);
  const denied = await post(alertmanagerPayload(), "wrong_token_0123456789");
  assert.equal(denied.status, 401);
  assert.equal((await denied.json()).error.field, "authorization");
  const anonymous = await app.request("/api/v1/alertmanager", { method: "POST", body: "{}" });
  assert.equal(anonymous.status, 401);
  const notJson = await post("{nope");
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).error.field, "body");
  const bad = await post({ ...alertmanagerPayload(), alerts: [] });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.field, "alerts");
  assert.equal(hook.received.length, 0);
});

Deno.test("alertmanagerRoutes() refuses a short token at construction", () => {
  assert.throws(
    () => alertmanagerRoutes({ token: "short", destinations: [], delivered: undefined! }),
    /at least 16 characters/,
  );
});
