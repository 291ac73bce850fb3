/**
 * End to end: runs the real `ingest/main.ts` process against local Kafka, Postgres and Redis,
 * sends the brief's example and every Segment call type over HTTP, and reads them from Kafka.
 */
import assert from "node:assert/strict";
import { RawEventSchema } from "../shared/events/mod.ts";
import { createSourceStore } from "./adapters/sources.ts";
import { BROKERS, readMessages, TEST_DATABASE_URL, testSql, testTopic } from "./testing/env.ts";
import { BRIEF_EXAMPLE } from "./testing/fixtures.ts";
import { hashWriteKey } from "./core/write_key.ts";
import { serviceEntry, startService } from "../shared/testing/service_process.ts";

Deno.test("ingest process: example and every Segment call reach Kafka; SIGTERM exits cleanly", async () => {
  await using topic = await testTopic();
  await using sql = await testSql();
  const sourceId = `test_e2e_${crypto.randomUUID().slice(0, 8)}`;
  const key = `key_${crypto.randomUUID()}`;
  await createSourceStore(sql).create({
    sourceId,
    name: "e2e",
    platform: "web",
    hash: await hashWriteKey(key),
  });
  const ingest = await startService(serviceEntry("ingest"), {
    env: {
      KAFKA_BROKERS: BROKERS.join(","),
      TOPIC_RAW: topic.name,
      DATABASE_URL: TEST_DATABASE_URL,
      INGEST_RATE_LIMIT_PREFIX: `test:ingest:e2e:${sourceId}`,
    },
  });
  try {
    const base = ingest.url;
    const auth = { authorization: `Basic ${btoa(key + ":")}`, "content-type": "application/json" };
    const sent: [string, Record<string, unknown>][] = [
      ["/api/v1/event", BRIEF_EXAMPLE],
      ["/v1/track", { userId: "u1", event: "Order Completed", properties: { revenue: 5 } }],
      ["/v1/identify", { userId: "u1", traits: { email: "a@b.c" } }],
      ["/v1/page", {
        anonymousId: "a1",
        name: "Home",
        context: { page: { url: "https://s.example/" } },
      }],
      ["/v1/screen", { userId: "u1", name: "Cart" }],
      ["/v1/group", { userId: "u1", groupId: "g1" }],
      ["/v1/alias", { userId: "u1", previousId: "a1" }],
      ["/v1/batch", { batch: [{ type: "track", anonymousId: "a2", event: "Batched" }] }],
    ];
    for (const [path, body] of sent) {
      const res = await fetch(base + path, {
        method: "POST",
        headers: auth,
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
      await res.body?.cancel();
    }
    const unknown = await fetch(base + "/api/v1/event", {
      method: "POST",
      headers: { "x-write-key": "nope" },
      body: JSON.stringify(BRIEF_EXAMPLE),
    });
    assert.equal(unknown.status, 401);
    await unknown.body?.cancel();
    const ops = ingest.opsUrl;
    const ready = await fetch(ops + "/readyz");
    assert.deepEqual((await ready.json()).checks, { kafka: { ok: true }, postgres: { ok: true } });
    const publicReady = await fetch(base + "/readyz");
    assert.deepEqual([publicReady.status, await publicReady.json()], [200, { status: "ready" }]);
    const publicMetrics = await fetch(base + "/metrics");
    assert.equal(publicMetrics.status, 404);
    await publicMetrics.body?.cancel();

    const messages = await readMessages(topic.name, sent.length);
    const events = messages.map((m) =>
      RawEventSchema.parse(JSON.parse(new TextDecoder().decode(m.value)))
    );
    const byEvent = new Map(events.map((e) => [e.event, e]));
    assert.deepEqual(
      [...byEvent.keys()].sort(),
      [
        "Batched",
        "Order Completed",
        "add_to_cart",
        "alias",
        "group",
        "identify",
        "page_view",
        "screen_view",
      ],
    );
    const cart = byEvent.get("add_to_cart")!;
    assert.deepEqual(
      [
        cart.user_id,
        cart.session_id,
        cart.properties,
        cart.url,
        cart.timestamp,
        cart.source_id,
        cart.ip,
      ],
      [
        "user_789",
        "sess_xyz123",
        { product_id: 123, price: 199.99 },
        "/products/123",
        "2024-03-15T10:30:00.000Z",
        sourceId,
        "127.0.0.1",
      ],
    );
    assert.equal(byEvent.get("page_view")!.url, "https://s.example/");
    assert.equal(byEvent.get("alias")!.previous_id, "a1");
    assert.equal(byEvent.get("group")!.group_id, "g1");

    const metrics = await (await fetch(ops + "/metrics")).text();
    assert.match(
      metrics,
      new RegExp(
        `eventflow_ingest_events_total\\{source="${sourceId}",outcome="accepted",service="ingest"\\} 8`,
      ),
    );
  } finally {
    const status = await ingest.stop();
    await sql`DELETE FROM sources WHERE source_id = ${sourceId}`;
    assert.equal(status.code, 0, "graceful shutdown exits 0");
  }
});
