/**
 * End to end through the real `sink/main.ts` process, real Kafka, ClickHouse and PostgreSQL:
 * a shopper's session plus a backlog, the process SIGKILLed mid-stream and restarted, and every
 * event found exactly once in both stores.
 */
import assert from "node:assert/strict";
import { createProducer } from "../shared/kafka/mod.ts";
import { type EnrichedEvent, partitionKey } from "../shared/events/mod.ts";
import { enrichedEvent, shopperSession } from "./testing/events.ts";
import { chNumber, TEST_ENV, testId, testStores, waitFor } from "../shared/testing/stores.ts";
import { readTopicUntil, testKafka, testTopics } from "../shared/testing/kafka.ts";
import { serviceEntry, startService } from "../shared/testing/service_process.ts";

const BACKLOG = 3000;

/** The sink's environment for test `id`: its own topics and groups, small batches. */
function sinkEnv(id: string): Record<string, string> {
  return {
    ...TEST_ENV,
    TOPIC_ENRICHED: id,
    TOPIC_DEAD_LETTER: `${id}_dlq`,
    SINK_CLICKHOUSE_GROUP: `${id}_ch`,
    SINK_POSTGRES_GROUP: `${id}_pg`,
    SINK_BATCH_SIZE: "50",
    SINK_FLUSH_MS: "100",
    SINK_MAX_BUFFERED: "200",
    LOG_LEVEL: "warn",
  };
}

Deno.test("sink stores every event exactly once in both stores across a SIGKILL mid-batch", async () => {
  const id = testId();
  const prefix = `${id}_`;
  await using stores = await testStores(prefix);
  await using _topic = await testTopics([id], { partitions: 3 });
  await using _dlqTopic = await testTopics([`${id}_dlq`], { partitions: 1 });
  const producer = await createProducer(testKafka(id));
  try {
    const session = shopperSession(prefix).map((e) => ({ ...e, platform: prefix }));
    const backlog: EnrichedEvent[] = Array.from({ length: BACKLOG }, (_, i) =>
      enrichedEvent({
        event_id: `${prefix}b${i}`,
        anonymous_id: `${prefix}anon${i % 97}`,
        session_id: `${prefix}s${i % 97}`,
        platform: prefix,
      }));
    const all = [...session, ...backlog];
    for (let i = 0; i < all.length; i += 500) {
      await producer.send(
        id,
        all.slice(i, i + 500).map((e) => ({ key: partitionKey(e), value: JSON.stringify(e) })),
      );
    }
    await producer.send(id, [{ key: null, value: `{"event_id":"${prefix}broken"` }]);

    const count = (final: string) =>
      chNumber(
        stores.ch,
        `SELECT count() AS n FROM events ${final} WHERE startsWith(event_id, {p:String})`,
        { p: prefix },
      );
    const first = await startService(serviceEntry("sink"), { env: sinkEnv(id) });
    await waitFor(async () => (await count("")) > 0, { message: "first rows in ClickHouse" });
    await first.kill();
    const atKill = await count("");
    assert.ok(atKill < all.length, `kill landed after all ${atKill} rows were written`);

    const second = await startService(serviceEntry("sink"), { env: sinkEnv(id) });
    try {
      await waitFor(async () => (await count("FINAL")) >= all.length, {
        timeoutMs: 90_000,
        message: `all ${all.length} events in ClickHouse`,
      });
      await waitFor(async () => {
        const [row] = await stores.sql`SELECT count(*)::int AS n FROM business_events
                                       WHERE event_id LIKE ${prefix + "%"}`;
        return row?.n === 3;
      }, { message: "purchase, signup and review in PostgreSQL" });

      assert.equal(await count("FINAL"), all.length);
      assert.equal(
        await chNumber(
          stores.ch,
          `SELECT uniqExact(event_id) AS n FROM events WHERE startsWith(event_id, {p:String})`,
          { p: prefix },
        ),
        all.length,
      );
      const purchase = await stores.ch.query({
        query: `SELECT geo_city, device_browser, utm_campaign, revenue, revenue_base, currency,
                       user_id, kafka_partition
                FROM events FINAL WHERE event_id = {id:String}`,
        query_params: { id: `${prefix}e5` },
        format: "JSONEachRow",
      }).then((r) => r.json<Record<string, unknown>>());
      assert.deepEqual(
        { ...purchase[0], kafka_partition: undefined },
        {
          geo_city: "Berlin",
          device_browser: "Firefox",
          utm_campaign: "spring_sale",
          revenue: 114.9,
          revenue_base: 124.09,
          currency: "EUR",
          user_id: `${prefix}user`,
          kafka_partition: undefined,
        },
      );

      const orders = await stores.sql`
        SELECT o.order_id, o.total::float8 AS total, o.currency, u.user_id, s.session_id,
               count(i.*)::int AS lines, sum(i.quantity)::int AS units
        FROM orders o
        JOIN users u ON u.user_id = o.user_id
        JOIN sessions s ON s.session_id = o.session_id
        JOIN order_items i ON i.order_id = o.order_id
        JOIN products p ON p.product_id = i.product_id
        WHERE o.order_id LIKE ${prefix + "%"}
        GROUP BY o.order_id, o.total, o.currency, u.user_id, s.session_id`;
      assert.deepEqual([...orders], [{
        order_id: `${prefix}order1`,
        total: 114.9,
        currency: "EUR",
        user_id: `${prefix}user`,
        session_id: `${prefix}sess`,
        lines: 2,
        units: 3,
      }]);
      const signups = await stores.sql`
        SELECT s.event_id, s.method, u.signup_at IS NOT NULL AS has_signup_at, u.tier
        FROM signups s JOIN users u USING (user_id) WHERE s.user_id = ${prefix + "user"}`;
      assert.deepEqual([...signups], [{
        event_id: `${prefix}e6`,
        method: "email",
        has_signup_at: true,
        tier: "free",
      }]);
      const [reviews] = await stores.sql`SELECT count(*)::int AS n FROM reviews r
        JOIN products p USING (product_id) WHERE r.event_id = ${prefix + "e7"} AND r.rating = 5`;
      assert.equal(reviews?.n, 1);
      const [identity] = await stores.sql`SELECT user_id FROM identities
        WHERE anonymous_id = ${prefix + "anon"}`;
      assert.equal(identity?.user_id, `${prefix}user`);

      const ready = await fetch(`${second.url}/readyz`);
      assert.equal(ready.status, 200, await ready.text());
      const metrics = await (await fetch(`${second.url}/metrics`)).text();
      assert.match(metrics, /eventflow_sink_store_up\{[^}]*store="clickhouse"[^}]*\} 1/);
      // The restarted process surely wrote ClickHouse rows (the kill left some unwritten); its
      // PostgreSQL lane may have had nothing left to write, so only the store gauge is asserted.
      assert.match(
        metrics,
        /eventflow_sink_event_freshness_seconds_count\{[^}]*store="clickhouse"/,
      );
      assert.match(metrics, /eventflow_sink_store_up\{[^}]*store="postgres"[^}]*\} 1/);

      const records = (await readTopicUntil(`${id}_dlq`, (seen) => seen.length > 0))
        .map((m) => JSON.parse(new TextDecoder().decode(m.value)));
      assert.equal(records.length, 1);
      assert.equal(records[0]?.stage, "sink");
      assert.equal(records[0]?.reason, "INVALID_JSON");
    } finally {
      assert.equal((await second.stop()).code, 0);
    }
  } finally {
    await producer.close();
  }
});
