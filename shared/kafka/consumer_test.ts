import assert from "node:assert/strict";
import { createConsumer } from "./consumer.ts";
import type { Batch } from "./message.ts";
import { createProducer } from "./producer.ts";
import { testConfig, testName, testTopic, waitFor } from "../testing/kafka_adapter.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function produce(topic: string, n: number, offset = 0): Promise<void> {
  const producer = await createProducer(testConfig("test-producer"));
  await producer.send(
    topic,
    Array.from({ length: n }, (_, i) => ({ key: `k${(offset + i) % 7}`, value: `m${offset + i}` })),
  );
  await producer.close();
}

function values(batches: Batch[]): string[] {
  return batches.flatMap((b) => b.messages.map((m) => new TextDecoder().decode(m.value)));
}

Deno.test(
  "a batch whose handler throws is redelivered and its offset committed only after success",
  opts,
  async () => {
    await using topic = await testTopic("consumer_retry", 1);
    await produce(topic.name, 20);
    const groupId = testName("group");
    const consumer = await createConsumer(testConfig("test-consumer"), {
      groupId,
      topics: [topic.name],
      fromBeginning: true,
      maxBatchSize: 10,
      backoff: { baseMs: 10 },
      onError: () => {},
    });
    const seen: Batch[] = [];
    let failures = 0;
    const running = consumer.run((batch) => {
      seen.push(batch);
      if (failures === 0) {
        failures++;
        return Promise.reject(new Error("handler failed once"));
      }
      return Promise.resolve();
    });
    await waitFor(
      "20 handled messages",
      () => new Set(values(seen)).size >= 20 && seen.length >= 3,
    );
    await consumer.close();
    await running;

    const first = seen[0];
    const second = seen[1];
    assert(first && second, "expected at least two deliveries");
    assert.deepEqual(values([second]), values([first]), "redelivered batch");
    assert.deepEqual(first.messages.length, 10, "batch size capped by maxBatchSize");
    const expected = Array.from({ length: 20 }, (_, i) => `m${i}`);
    assert.deepEqual([...new Set(values(seen))].sort(), expected.sort(), "messages handled");

    // A new member of the same group starts after the last committed offset: nothing is re-read.
    await produce(topic.name, 1, 20);
    const next = await createConsumer(testConfig("test-consumer"), {
      groupId,
      topics: [topic.name],
    });
    const after: Batch[] = [];
    const running2 = next.run((batch) => {
      after.push(batch);
      return Promise.resolve();
    });
    await waitFor("the message produced after the commit", () => values(after).length >= 1);
    await next.close();
    await running2;
    assert.deepEqual(values(after), ["m20"], "messages after restart");
    assert.deepEqual(after[0]?.lastOffset, "20", "lastOffset");
  },
);

Deno.test("pause() stops delivery until resume()", opts, async () => {
  await using topic = await testTopic("consumer_pause", 2);
  await produce(topic.name, 10);
  const consumer = await createConsumer(testConfig("test-consumer"), {
    groupId: testName("group"),
    topics: [topic.name],
    fromBeginning: true,
  });
  const seen: Batch[] = [];
  const running = consumer.run((batch) => {
    seen.push(batch);
    return Promise.resolve();
  });
  await waitFor("first 10 messages", () => values(seen).length >= 10);
  consumer.pause();
  await produce(topic.name, 10, 10);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(values(seen).length, 10, "messages delivered while paused");
  consumer.resume();
  await waitFor("messages after resume", () => values(seen).length >= 20);
  const lag = await consumer.lag();
  await consumer.close();
  await running;
  assert.deepEqual(values(seen).length, 20, "messages after resume");
  assert.deepEqual(lag.map((l) => l.partition).sort(), [0, 1], "lag partitions");
  assert.deepEqual(lag.map((l) => l.lag), [0, 0], "lag after everything was committed");
});

Deno.test("batches of different partitions are handled concurrently", opts, async () => {
  await using topic = await testTopic("consumer_concurrent", 2);
  const producer = await createProducer(testConfig("test-producer"));
  // 40 distinct keys: both partitions get messages.
  await producer.send(
    topic.name,
    Array.from({ length: 40 }, (_, i) => ({ key: `key-${i}`, value: `m${i}` })),
  );
  await producer.close();
  const consumer = await createConsumer(testConfig("test-consumer"), {
    groupId: testName("group"),
    topics: [topic.name],
    fromBeginning: true,
  });
  const active = new Set<number>();
  let overlapped = false;
  const handled = new Set<string>();
  const running = consumer.run(async (batch) => {
    active.add(batch.partition);
    if (active.size > 1) overlapped = true;
    // Hold the batch long enough for the other partition's batch to start if it can.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const m of batch.messages) handled.add(new TextDecoder().decode(m.value));
    active.delete(batch.partition);
  });
  await waitFor("40 handled messages", () => handled.size >= 40);
  await consumer.close();
  await running;
  assert.equal(handled.size, 40);
  assert.ok(overlapped, "the two partitions' batches never ran at the same time");
});
