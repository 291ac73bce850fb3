/**
 * The batch handler with the real ledger (PostgreSQL, Redis) and local stand-in destinations; the producer records what
 * would go to the dead-letter topic (main_test.ts runs the same path through real Kafka).
 */
import assert from "node:assert/strict";
import { DeadLetterSchema } from "../shared/events/mod.ts";
import type { Batch, OutgoingMessage } from "../shared/kafka/mod.ts";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { FakeClock } from "../shared/time.ts";
import { createDestinations } from "./adapters/destination.ts";
import { bigPurchase, enrichedEvent, instantClock, standIn } from "./testing/fixtures.ts";
import { testLedger } from "./testing/env.ts";
import type { Ledger } from "./adapters/ledger.ts";
import { createAlertHandler } from "./handler.ts";
import { createAlertsMetrics } from "./metrics.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const SECRET = "whsec_0123456789abcdef";

function batchOf(values: string[]): Batch {
  const messages = values.map((value, i) => ({
    topic: "enriched_events",
    partition: 0,
    offset: String(i),
    key: null,
    value: new TextEncoder().encode(value),
    headers: {},
    timestamp: "0",
  }));
  return {
    topic: "enriched_events",
    partition: 0,
    messages,
    lastOffset: String(values.length - 1),
  };
}

function setup(stores: { ledger: Ledger }, urls: Record<string, string>) {
  const registry = createRegistry("alerts", { processMetrics: false });
  const metrics = createAlertsMetrics(registry);
  const sent: OutgoingMessage[] = [];
  const { clock } = instantClock();
  const webhooks = Object.fromEntries(
    Object.entries(urls).map(([name, url]) => [name, { url, secret: SECRET }]),
  );
  const handler = createAlertHandler({
    rules: [
      bigPurchase({ destinations: ["webhook:default", "webhook:strict", "telegram:default"] }),
      bigPurchase({
        id: "big_cart",
        when: { event: "add_to_cart", where: [] },
        throttle: { perKey: "user_id", windowSeconds: 60 },
      }),
    ],
    destinations: createDestinations({ webhooks }, { delivery: { clock, attempts: 2 } }),
    ledger: stores.ledger,
    producer: { send: (_topic, messages) => (sent.push(...messages), Promise.resolve()) },
    deadLetterTopic: "dead_letter",
    metrics,
    logger: createLogger("alerts", { write: () => {} }),
  });
  return { handler, sent, registry };
}

Deno.test(
  "handler delivers, dead-letters a refused alert and garbage, and skips redeliveries",
  opts,
  async () => {
    await using stores = await testLedger();
    await using ok = standIn(() => new Response("ok"));
    await using strict = standIn(() => Response.json({ error: "no" }, { status: 400 }));
    const { handler, sent, registry } = setup(stores, {
      default: ok.url,
      strict: strict.url,
    });
    const big = enrichedEvent();
    const small = enrichedEvent({
      revenue: { amount: 50, currency: "USD", amount_base: 50, base_currency: "USD" },
    });
    const batch = batchOf([JSON.stringify(big), JSON.stringify(small), "{not json"]);
    await handler(batch);

    assert.equal(ok.received.length, 1);
    assert.equal(JSON.parse(ok.received[0]!.body).event.event_id, big.event_id);
    assert.equal(strict.received.length, 1, "a 400 is not retried");
    const records = sent.map((m) => DeadLetterSchema.parse(JSON.parse(String(m.value))));
    assert.deepEqual(records.map((r) => [r.stage, r.reason, r.event_id]), [
      ["alerts", "INVALID_JSON", null],
      ["alerts", "DELIVERY_REJECTED", big.event_id],
    ]);
    assert.equal(
      records[1]!.error,
      'Alert "big_purchase" to webhook:strict failed: answered 400: {"error":"no"}',
    );
    assert.deepEqual(JSON.parse(records[1]!.payload), big);

    // The same batch again (a redelivery): only the refused destination is tried again.
    sent.length = 0;
    await handler(batch);
    assert.equal(ok.received.length, 1, "no second webhook call");
    assert.equal(strict.received.length, 2);
    const text = await registry.metrics();
    for (
      const line of [
        'eventflow_alerts_matched_total{rule="big_purchase",service="alerts"} 2',
        'eventflow_alerts_delivered_total{destination="webhook:default",outcome="delivered",service="alerts"} 1',
        'eventflow_alerts_delivered_total{destination="webhook:default",outcome="duplicate",service="alerts"} 1',
        'eventflow_alerts_delivered_total{destination="webhook:strict",outcome="rejected",service="alerts"} 2',
        'eventflow_alerts_delivered_total{destination="telegram:default",outcome="unconfigured",service="alerts"} 2',
        'eventflow_alerts_dead_letter_total{reason="INVALID_JSON",service="alerts"} 2',
        'eventflow_alerts_consumed_total{service="alerts"} 6',
      ]
    ) assert.ok(text.includes(line), `missing ${line}`);
  },
);

Deno.test(
  "handler throttles a rule per user and alerts once per event within a batch",
  opts,
  async () => {
    await using stores = await testLedger();
    await using hook = standIn(() => new Response("ok"));
    const { handler, registry } = setup(stores, { default: hook.url });
    const cart = (user_id: string) => enrichedEvent({ event: "add_to_cart", user_id });
    const first = cart("user_789");
    await handler(
      batchOf([first, first, cart("user_789"), cart("user_42")].map((e) => JSON.stringify(e))),
    );
    assert.deepEqual(
      hook.received.map((r) => JSON.parse(r.body).event.user_id).sort(),
      ["user_42", "user_789"],
    );
    assert.ok(
      (await registry.metrics()).includes(
        'eventflow_alerts_throttled_total{rule="big_cart",service="alerts"} 1',
      ),
    );
  },
);

Deno.test("handler dead-letters an exhausted delivery with the last failure", opts, async () => {
  await using stores = await testLedger();
  await using down = standIn(() => new Response("maintenance", { status: 503 }));
  const { handler, sent } = setup(stores, { default: down.url });
  const event = enrichedEvent();
  await handler(batchOf([JSON.stringify(event)]));
  assert.equal(down.received.length, 2);
  const [record] = sent.map((m) => DeadLetterSchema.parse(JSON.parse(String(m.value))));
  assert.equal(record!.reason, "DELIVERY_EXHAUSTED");
  assert.equal(
    record!.error,
    'Alert "big_purchase" to webhook:default failed: gave up after 2 attempts, last answered 503: maintenance',
  );
});

Deno.test(
  "handler stops retrying on shutdown and rejects the batch instead of dead-lettering it",
  opts,
  async () => {
    await using stores = await testLedger();
    await using down = standIn(() =>
      new Response("busy", { status: 503, headers: { "retry-after": "30" } })
    );
    const shutdown = new AbortController();
    // Never advanced: only the abort can end the Retry-After wait.
    const clock = new FakeClock();
    const sent: OutgoingMessage[] = [];
    const handler = createAlertHandler({
      rules: [bigPurchase({ destinations: ["webhook:default"] })],
      destinations: createDestinations(
        { webhooks: { default: { url: down.url, secret: SECRET } } },
        {
          delivery: { attempts: 5, signal: shutdown.signal, clock },
          // SIGTERM arrives during the first Retry-After wait.
          onRetry: () => queueMicrotask(() => shutdown.abort()),
        },
      ),
      ledger: stores.ledger,
      producer: { send: (_topic, messages) => (sent.push(...messages), Promise.resolve()) },
      deadLetterTopic: "dead_letter",
      metrics: createAlertsMetrics(createRegistry("alerts", { processMetrics: false })),
      logger: createLogger("alerts", { write: () => {} }),
    });
    await assert.rejects(
      handler(batchOf([JSON.stringify(enrichedEvent())])),
      /^Error: Shutting down: 1 alert deliveries were interrupted; the batch of "enriched_events" partition 0 will be redelivered$/,
    );
    const slept = clock.now() > 0;
    assert.deepEqual(clock.delays, [30_000], "the wait was the Retry-After");
    assert.equal(slept, false, "the Retry-After wait was cut short");
    assert.equal(clock.pending(), 0, "the wait's timer is cleared");
    assert.equal(down.received.length, 1, "no attempt after the abort");
    assert.deepEqual(sent, [], "an interrupted alert is not dead-lettered");
  },
);

Deno.test(
  "handler does not send a redelivered alert again after Redis lost its keys (#13, 13)",
  opts,
  async () => {
    await using stores = await testLedger();
    await using hook = standIn(() => new Response("ok"));
    const { handler, registry } = setup(stores, { default: hook.url });
    const batch = batchOf([JSON.stringify(enrichedEvent())]);
    await handler(batch);
    assert.equal(hook.received.length, 1);
    // Evicted or flushed: every key the alerts service has in Redis is gone.
    const keys = await stores.redis.keys(`${stores.prefix}*`);
    if (keys.length > 0) await stores.redis.del(...keys);
    await handler(batch);
    assert.equal(hook.received.length, 1, "no second webhook call");
    assert.ok(
      (await registry.metrics()).includes(
        'eventflow_alerts_delivered_total{destination="webhook:default",outcome="duplicate",service="alerts"} 1',
      ),
    );
  },
);
