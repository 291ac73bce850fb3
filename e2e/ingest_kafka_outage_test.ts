/**
 * Ingest's guarantee when Kafka is unreachable, through the real `ingest/main.ts` process: the
 * broker sits behind a proxy that is cut; clients get 503 with Retry-After (never a 2xx for an
 * event Kafka did not acknowledge), and after the broker returns new events are accepted again.
 */
import assert from "node:assert/strict";
import { RawEventSchema } from "../shared/events/mod.ts";
import { createSourceStore } from "../ingest/adapters/sources.ts";
import { hashWriteKey } from "../ingest/core/write_key.ts";
import { startKafkaProxy } from "../shared/testing/kafka_proxy.ts";
import { readTopicUntil, testTopics } from "../shared/testing/kafka.ts";
import { serviceEntry, startService } from "../shared/testing/service_process.ts";
import { TEST_ENV, testStores, waitFor } from "../shared/testing/stores.ts";

Deno.test("ingest answers 503 with Retry-After while Kafka is unreachable and accepts events again after", async () => {
  const prefix = `test_e2e_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}_`;
  const topic = `${prefix}raw`;
  await using stores = await testStores(prefix);
  await using _topics = await testTopics([topic]);
  const sourceId = `${prefix}src`;
  const writeKey = `wk_${crypto.randomUUID().replaceAll("-", "")}`;
  await createSourceStore(stores.sql).create({
    sourceId,
    name: "e2e kafka outage",
    platform: "web",
    hash: await hashWriteKey(writeKey),
  });
  await using proxy = startKafkaProxy(TEST_ENV.KAFKA_BROKERS.split(",")[0]!);
  await using ingest = await startService(serviceEntry("ingest"), {
    env: {
      DATABASE_URL: TEST_ENV.DATABASE_URL,
      REDIS_URL: TEST_ENV.REDIS_URL,
      KAFKA_BROKERS: proxy.address,
      TOPIC_RAW: topic,
      INGEST_ENSURE_TOPIC: "false",
      INGEST_KAFKA_TIMEOUT_MS: "1500",
      INGEST_RETRY_AFTER_SECONDS: "2",
      INGEST_RATE_LIMIT_PREFIX: `${prefix}rl`,
      LOG_LEVEL: "warn",
    },
  });
  const post = (n: number) =>
    fetch(`${ingest.url}/api/v1/event`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(writeKey + ":")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        event_id: `${prefix}${n}`,
        anonymous_id: `${prefix}anon`,
        event_type: "page_view",
        url: `https://gadgetstore.example/${n}`,
      }),
    });
  try {
    await waitFor(async () => (await fetch(`${ingest.url}/readyz`)).status === 200, {
      message: "ingest ready",
    });
    const before = await post(1);
    assert.equal(before.status, 200, await before.text());

    await proxy.pause();
    const during = await post(2);
    const body = await during.json();
    assert.equal(during.status, 503, JSON.stringify(body));
    assert.equal(during.headers.get("retry-after"), "2");
    assert.equal(body.error.code, "KAFKA_UNAVAILABLE");
    const readyz = await fetch(`${ingest.opsUrl}/readyz`);
    const readiness = await readyz.json();
    assert.equal(readyz.status, 503);
    assert.equal(readiness.checks.kafka.ok, false, JSON.stringify(readiness));

    proxy.resume();
    // A client retries after Retry-After; the producer reconnects within a few attempts.
    let status = 0;
    await waitFor(async () => {
      const res = await post(3);
      status = res.status;
      await res.body?.cancel();
      return status === 200;
    }, { timeoutMs: 20_000, message: `an event accepted after Kafka returned (last ${status})` });
    const messages = await readTopicUntil(topic, (ms) => {
      const ids = ms.map((m) => JSON.parse(new TextDecoder().decode(m.value)).event_id);
      return ids.includes(`${prefix}1`) && ids.includes(`${prefix}3`);
    });
    const events = messages.map((m) =>
      RawEventSchema.parse(JSON.parse(new TextDecoder().decode(m.value)))
    );
    assert.equal(events.filter((e) => e.event_id === `${prefix}1`).length, 1);
    assert.ok(events.every((e) => e.source_id === sourceId));
  } finally {
    proxy.resume();
    const exit = await ingest.stop();
    await stores.sql`DELETE FROM sources WHERE source_id = ${sourceId}`;
    assert.equal(exit.code, 0, `ingest exit; log:\n${ingest.log().slice(-3000)}`);
  }
});
