import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createConsumer } from "./consumer.ts";
import { KafkaError } from "./errors.ts";
import type { IncomingMessage } from "./message.ts";
import { createProducer, splitParts } from "./producer.ts";
import { testConfig, testName, testTopic, waitFor } from "../testing/kafka_adapter.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "send() resolves after acknowledgement and the messages read back intact",
  opts,
  async () => {
    await using topic = await testTopic("producer");
    const producer = await createProducer(testConfig("test-producer"));
    const sends = [];
    for (let i = 0; i < 50; i++) {
      sends.push(producer.send(topic.name, [{
        key: i % 2 === 0 ? `k${i}` : null,
        value: i % 3 === 0 ? new TextEncoder().encode(`bytes ${i}`) : `text ${i}`,
        headers: { seq: String(i) },
      }]));
    }
    await Promise.all(sends);
    await producer.close();

    const consumer = await createConsumer(testConfig("test-reader"), {
      groupId: testName("group"),
      topics: [topic.name],
      fromBeginning: true,
    });
    const got: IncomingMessage[] = [];
    const running = consumer.run((batch) => {
      got.push(...batch.messages);
      return Promise.resolve();
    });
    await waitFor("50 messages", () => got.length >= 50);
    await consumer.close();
    await running;

    assert.deepEqual(got.length, 50, "message count");
    const bySeq = new Map(got.map((m) => [Number(m.headers.seq), m]));
    const m0 = bySeq.get(0);
    const m1 = bySeq.get(1);
    assert(m0 && m1, "messages 0 and 1 were not read back");
    assert.deepEqual(m0.key, "k0", "key of message 0");
    assert.deepEqual(new TextDecoder().decode(m0.value), "bytes 0", "value of message 0");
    assert.deepEqual(m1.key, null, "key of message 1");
    assert.deepEqual(new TextDecoder().decode(m1.value), "text 1", "value of message 1");
    assert.deepEqual(m0.topic, topic.name, "topic");
    assert(/^\d+$/.test(m0.offset) && /^\d+$/.test(m0.timestamp), "offset/timestamp not decimal");
  },
);

Deno.test(
  "concurrent sends larger in total than the broker's request limit are split and all acknowledged",
  opts,
  async () => {
    await using topic = await testTopic("producer-big");
    const producer = await createProducer(testConfig("test-producer"), { lingerMs: 0 });
    // 2.5 MiB to one partition (same key) while one request is in flight: sent as one request,
    // the broker would reject the record batch as larger than message.max.bytes (1 MiB).
    const value = "x".repeat(1024);
    const sends = [];
    for (let i = 0; i < 2500; i++) {
      sends.push(producer.send(topic.name, [{ key: "same", value, headers: { seq: String(i) } }]));
    }
    const results = await Promise.allSettled(sends);
    await producer.close();
    const failed = results.filter((r) => r.status === "rejected");
    assert.deepEqual(failed.length, 0, `failed sends (first: ${String(failed[0]?.reason)})`);

    const consumer = await createConsumer(testConfig("test-reader"), {
      groupId: testName("group"),
      topics: [topic.name],
      fromBeginning: true,
    });
    const seqs = new Set<string>();
    const running = consumer.run((batch) => {
      for (const m of batch.messages) seqs.add(m.headers.seq!);
      return Promise.resolve();
    });
    await waitFor("2500 messages", () => seqs.size >= 2500);
    await consumer.close();
    await running;
    assert.deepEqual(seqs.size, 2500, "distinct messages read back");
  },
);

Deno.test(
  "one send() larger than a request may hold is split, acknowledged and read back in order",
  opts,
  async () => {
    await using topic = await testTopic("producer-one-big");
    const producer = await createProducer(testConfig("test-producer"));
    // 1,200 messages of 2 KiB to one partition in a single call: 2.4 MiB, over the broker's
    // 1 MiB message.max.bytes if sent as one record batch.
    const value = "y".repeat(2048);
    const messages = Array.from({ length: 1200 }, (_, i) => ({
      key: "same",
      value,
      headers: { seq: String(i) },
    }));
    await producer.send(topic.name, messages);
    await producer.close();

    const consumer = await createConsumer(testConfig("test-reader"), {
      groupId: testName("group"),
      topics: [topic.name],
      fromBeginning: true,
    });
    const seqs: number[] = [];
    const running = consumer.run((batch) => {
      for (const m of batch.messages) seqs.push(Number(m.headers.seq));
      return Promise.resolve();
    });
    await waitFor("1200 messages", () => seqs.length >= 1200);
    await consumer.close();
    await running;
    assert.deepEqual(seqs, messages.map((_, i) => i), "all messages, once each, in order");
  },
);

Deno.test("splitParts() keeps every part within the message and byte caps, in order", () => {
  const message = (n: number) => ({ topic: "t", value: Buffer.alloc(n) });
  const parts = splitParts([message(40), message(40), message(40), message(100), message(5)], {
    maxMessages: 2,
    maxBytes: 90,
  });
  assert.deepEqual(parts.map((p) => p.messages.map((m) => m.value.length)), [
    [40, 40],
    [40],
    [100],
    [5],
  ]);
  assert.deepEqual(parts.map((p) => p.bytes), [80, 40, 100, 5]);
});

Deno.test("send() after close() rejects with KAFKA_CLOSED", opts, async () => {
  const producer = await createProducer(testConfig("test-producer"));
  await producer.close();
  const err = await producer.send("test_never", [{ key: null, value: "x" }]).catch((e) => e);
  assert(err instanceof KafkaError, `expected a KafkaError, got ${err}`);
  assert.deepEqual(err.code, "KAFKA_CLOSED", "code");
  assert.deepEqual(err.retriable, false, "retriable");
});

Deno.test("createProducer() lists every invalid config field", () => {
  let err: unknown;
  try {
    createProducer({ brokers: ["nohost"], clientId: "" });
  } catch (e) {
    err = e;
  }
  assert(err instanceof KafkaError, "expected a KafkaError");
  assert.deepEqual(err.code, "KAFKA_CONFIG_INVALID", "code");
  assert(err.message.includes('"nohost"') && err.message.includes("clientId"), err.message);
});
