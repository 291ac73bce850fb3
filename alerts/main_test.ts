/**
 * End to end: runs the real `alerts/main.ts` against local Kafka, Redis and PostgreSQL with a
 * stand-in webhook receiver, produces a 1,249 USD and a 50 USD purchase, checks the one signed
 * call, then empties Redis, restarts the process and redelivers the same event: no second call.
 */
import assert from "node:assert/strict";
import { createProducer } from "../shared/kafka/mod.ts";
import { testTopics } from "../shared/testing/kafka.ts";
import {
  serviceEntry,
  type ServiceProcess,
  startService,
} from "../shared/testing/service_process.ts";
import { enrichedEvent, standIn } from "./testing/fixtures.ts";
import { BROKERS, TEST_REDIS_URL, testLedger, testName } from "./testing/env.ts";
import { TEST_ENV } from "../shared/testing/stores.ts";
import { verifyWebhook } from "./core/signature.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const SECRET = "whsec_e2e_0123456789abcdef";

/** Starts the real `alerts/main.ts` on the test Kafka and Redis. */
function startAlerts(env: Record<string, string>): Promise<ServiceProcess> {
  return startService(serviceEntry("alerts"), {
    env: {
      KAFKA_BROKERS: BROKERS.join(","),
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: TEST_ENV.DATABASE_URL,
      ...env,
    },
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function metric(port: number, line: string): Promise<boolean> {
  return (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).includes(line);
}

Deno.test(
  "alerts sends one signed webhook for a big purchase and none again after a restart",
  opts,
  async () => {
    await using ledger = await testLedger();
    await using hook = standIn(() => new Response("ok"));
    const [enriched, dlq] = [testName("enriched"), testName("dlq")];
    await using _enrichedTopic = await testTopics([enriched], { partitions: 3 });
    await using _dlqTopic = await testTopics([dlq], { partitions: 1 });
    const producer = await createProducer({ brokers: BROKERS, clientId: "alerts-test" });
    const env = {
      TOPIC_ENRICHED: enriched,
      TOPIC_DEAD_LETTER: dlq,
      CONSUMER_GROUP: testName("group"),
      REDIS_KEY_PREFIX: ledger.prefix,
      FROM_BEGINNING: "true",
      LAG_INTERVAL_MS: "200",
      ALERT_WEBHOOKS: JSON.stringify({ default: { url: `${hook.url}/hook`, secret: SECRET } }),
    };
    const big = enrichedEvent();
    ledger.track(big.event_id);
    const small = enrichedEvent({
      revenue: { amount: 50, currency: "USD", amount_base: 50, base_currency: "USD" },
    });
    let service = await startAlerts(env);
    try {
      await producer.send(enriched, [
        { key: "user_789", value: JSON.stringify(big) },
        { key: "user_789", value: JSON.stringify(small) },
      ]);
      await until("the webhook call", () => hook.received.length >= 1);
      await until(
        "both events consumed",
        () => metric(service.port, 'eventflow_alerts_consumed_total{service="alerts"} 2'),
      );
      assert.equal(hook.received.length, 1);
      const [call] = hook.received;
      assert.equal(call!.path, "/hook");
      assert.deepEqual(
        verifyWebhook(SECRET, {
          body: call!.body,
          timestamp: call!.headers.get("x-eventflow-timestamp"),
          signature: call!.headers.get("x-eventflow-signature"),
        }),
        { ok: true },
      );
      assert.equal(call!.headers.get("idempotency-key"), `${big.event_id}:big_purchase`);
      const body = JSON.parse(call!.body);
      assert.equal(body.alert_id, `${big.event_id}:big_purchase`);
      assert.deepEqual(body.rule, {
        id: "big_purchase",
        description: "A purchase worth more than 1,000 in the base currency",
      });
      assert.equal(body.text, "💰 Purchase $1,249.00 by user_789 (premium, Moscow) — order 789");
      assert.deepEqual(body.event, big);
      await until("delivered metric", () =>
        metric(
          service.port,
          'eventflow_alerts_delivered_total{destination="webhook:default",outcome="delivered",service="alerts"} 1',
        ));
      const ready = await fetch(`${service.url}/readyz`);
      assert.deepEqual([ready.status, (await ready.json()).status], [200, "ready"]);

      let status = await service.stop();
      assert.equal(status.code, 0, `alerts exit status; log:\n${service.log()}`);

      // Restart and redeliver the same event, with Redis emptied meanwhile (evicted, flushed):
      // the delivery record in PostgreSQL must stop a second call.
      const keys = await ledger.redis.keys(`${ledger.prefix}*`);
      if (keys.length > 0) await ledger.redis.del(...keys);
      service = await startAlerts(env);
      await producer.send(enriched, [{ key: "user_789", value: JSON.stringify(big) }]);
      await until("the redelivered event to be skipped", () =>
        metric(
          service.port,
          'eventflow_alerts_delivered_total{destination="webhook:default",outcome="duplicate",service="alerts"} 1',
        ));
      assert.equal(hook.received.length, 1, "no second webhook call");
      status = await service.stop();
      assert.equal(status.code, 0, `alerts exit status; log:\n${service.log()}`);
    } finally {
      await service.stop().catch(() => {});
      await producer.close();
    }
  },
);
