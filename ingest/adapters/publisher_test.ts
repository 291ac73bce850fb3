import assert from "node:assert/strict";
import { createProducer } from "../../shared/kafka/mod.ts";
import { RawEventSchema } from "../../shared/events/mod.ts";
import { mapEventflowEvent } from "../core/eventflow_format.ts";
import { IngestError } from "../core/errors.ts";
import { facts } from "../testing/fixtures.ts";
import { createPublisher } from "./publisher.ts";
import { BROKERS, readMessages, testTopic } from "../testing/env.ts";
import { startKafkaProxy } from "../../shared/testing/kafka_proxy.ts";
import { readTopicUntil } from "../../shared/testing/kafka.ts";
import { FakeProducer } from "../testing/app.ts";

function event(userId: string) {
  const result = mapEventflowEvent(
    {
      user_id: userId,
      event_type: "add_to_cart",
      event_data: { price: 1, n: crypto.randomUUID() },
    },
    facts(),
  );
  assert.ok(result.ok);
  return result.event;
}

Deno.test("publisher writes events to Kafka keyed by user, readable as valid RawEvents", async () => {
  await using topic = await testTopic();
  const producer = await createProducer({ brokers: BROKERS, clientId: "ingest-test" });
  try {
    const acks: number[] = [];
    const publisher = createPublisher(producer, {
      topic: topic.name,
      timeoutMs: 15_000,
      retryAfterSeconds: 5,
      maxQueuedEvents: 100,
      onAck: (s) => acks.push(s),
    });
    const sent = [event("u1"), event("u2"), event("u1")];
    await Promise.all([publisher.publish(sent.slice(0, 2)), publisher.publish(sent.slice(2))]);
    assert.equal(acks.length, 2);
    const messages = await readMessages(topic.name, 3);
    assert.equal(messages.length, 3);
    const byId = new Map(
      messages.map((m) => [JSON.parse(new TextDecoder().decode(m.value)).event_id, m]),
    );
    for (const original of sent) {
      const message = byId.get(original.event_id)!;
      assert.equal(message.key, original.user_id);
      assert.equal(message.headers.source_id, "src_web");
      const parsed = RawEventSchema.parse(JSON.parse(new TextDecoder().decode(message.value)));
      assert.deepEqual(parsed, original);
    }
  } finally {
    await producer.close();
  }
});

Deno.test("publisher answers 503 KAFKA_UNAVAILABLE when no broker acknowledges in time", async () => {
  const producer = await createProducer({ brokers: ["127.0.0.1:1"], clientId: "ingest-test" });
  const errors: unknown[] = [];
  const publisher = createPublisher(producer, {
    topic: "test_ingest_nowhere",
    timeoutMs: 500,
    retryAfterSeconds: 5,
    maxQueuedEvents: 100,
    onError: (e) => errors.push(e),
  });
  try {
    await assert.rejects(publisher.publish([event("u1")]), (error: IngestError) => {
      assert.deepEqual([error.status, error.code, error.retryAfter], [503, "KAFKA_UNAVAILABLE", 5]);
      return true;
    });
    assert.equal(errors.length, 1);
  } finally {
    await producer.close().catch(() => {});
  }
});

Deno.test("a request that timed out waiting for Kafka is never written later (#13, 10)", async () => {
  await using topic = await testTopic(1);
  await using proxy = startKafkaProxy(BROKERS[0]!);
  const producer = await createProducer({ brokers: [proxy.address], clientId: "ingest-test" });
  const publisher = createPublisher(producer, {
    topic: topic.name,
    timeoutMs: 300,
    retryAfterSeconds: 5,
    maxQueuedEvents: 100,
  });
  try {
    const [a, b, c, d] = ["a", "b", "c", "d"].map(() => event("same-user"));
    await publisher.publish([a!]);
    await proxy.pause();
    // b is handed to the producer (in flight, past recall); c waits behind it; both time out.
    const outcomes = await Promise.allSettled([publisher.publish([b!]), publisher.publish([c!])]);
    assert.deepEqual(
      outcomes.map((o) => o.status === "rejected" && (o.reason as IngestError).code),
      ["KAFKA_UNAVAILABLE", "KAFKA_UNAVAILABLE"],
    );
    assert.equal(publisher.queuedEvents, 1, "only the in-flight write of b is left");
    proxy.resume();
    // As a client would: retry d until it is acknowledged (b's write may still be reconnecting).
    for (let attempt = 1;; attempt++) {
      const ok = await publisher.publish([d!]).then(() => true, () => false);
      if (ok) break;
      assert.ok(attempt < 60, "d was never acknowledged after the broker came back");
    }
    // One partition, one key: had c been written, it would come before d.
    const idOf = (m: { value: Uint8Array }) =>
      JSON.parse(new TextDecoder().decode(m.value)).event_id;
    const seen = await readTopicUntil(
      topic.name,
      (messages) => messages.some((m) => idOf(m) === d!.event_id),
      { timeoutMs: 20_000 },
    );
    const ids = seen.map(idOf);
    assert.equal(ids[0], a!.event_id);
    assert.equal(ids.includes(c!.event_id), false, "the abandoned request was written later");
  } finally {
    await producer.close().catch(() => {});
  }
});

Deno.test("a full queue answers 503 INGEST_OVERLOADED at once, without writing (#13, 10)", async () => {
  const producer = new FakeProducer();
  producer.hang = true;
  const full: number[] = [];
  const publisher = createPublisher(producer, {
    topic: "raw_test",
    timeoutMs: 200,
    retryAfterSeconds: 3,
    maxQueuedEvents: 3,
    onFull: () => full.push(1),
  });
  const first = publisher.publish([event("u1"), event("u2")]);
  const second = publisher.publish([event("u3")]);
  await assert.rejects(publisher.publish([event("u4")]), (error: IngestError) => {
    assert.deepEqual(
      [error.status, error.code, error.retryAfter],
      [503, "INGEST_OVERLOADED", 3],
    );
    assert.match(error.message, /3 events are already waiting for Kafka; retry later/);
    return true;
  });
  assert.deepEqual([full.length, publisher.queuedEvents], [1, 3]);
  // What was taken keeps its place: the hung producer got the first request only.
  assert.equal(producer.sent.length, 0);
  await assert.rejects(first, { code: "KAFKA_UNAVAILABLE" });
  await assert.rejects(second, { code: "KAFKA_UNAVAILABLE" });
  assert.equal(
    publisher.queuedEvents,
    2,
    "the hung write still holds its place; the waiting one left",
  );
});
