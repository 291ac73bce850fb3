import assert from "node:assert/strict";
import { createProducer } from "../../shared/kafka/mod.ts";
import { RawEventSchema } from "../../shared/events/mod.ts";
import { mapEventflowEvent } from "../core/eventflow_format.ts";
import { IngestError } from "../core/errors.ts";
import { facts } from "../testing/fixtures.ts";
import { createPublisher } from "./publisher.ts";
import { BROKERS, readMessages, testTopic } from "../testing/env.ts";

function event(userId: string) {
  const result = mapEventflowEvent(
    { user_id: userId, event_type: "add_to_cart", event_data: { price: 1 } },
    facts({
      newId: () => crypto.randomUUID(),
    }),
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
