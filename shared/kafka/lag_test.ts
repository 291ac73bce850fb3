import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { createRegistry } from "../metrics.ts";
import { createConsumer } from "./consumer.ts";
import { createProducer } from "./producer.ts";
import { consumerLagGauge, reportLag } from "./lag.ts";
import { testConfig, testName, testTopic, waitFor } from "../testing/kafka_adapter.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function lagValues(
  registry: ReturnType<typeof createRegistry>,
): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric("eventflow_consumer_lag")!.get();
  return Object.fromEntries(
    metric.values.map((
      v,
    ) => [`${v.labels.group}/${v.labels.topic}/${v.labels.partition}`, v.value]),
  );
}

/** Resolves once the gauge reads `expected` for `key`, or throws after 20 s. */
async function waitForLag(
  registry: ReturnType<typeof createRegistry>,
  key: string,
  expected: number,
): Promise<Record<string, number>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const values = await lagValues(registry);
    if (values[key] === expected) return values;
    if (Date.now() > deadline) {
      throw new Error(`Lag ${key} never became ${expected}: ${JSON.stringify(values)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

Deno.test("reportLag() sets eventflow_consumer_lag per partition until stopped", opts, async () => {
  await using topic = await testTopic("lag", 1);
  const producer = await createProducer(testConfig("test-producer"));
  await producer.send(
    topic.name,
    Array.from({ length: 7 }, (_, i) => ({ key: null, value: `m${i}` })),
  );
  await producer.close();

  const group = testName("group");
  const consumer = await createConsumer(testConfig("test-consumer"), {
    groupId: group,
    topics: [topic.name],
    fromBeginning: true,
  });
  // The first batch is held, so nothing is committed and the whole partition stays behind.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let delivered = 0;
  const running = consumer.run(async (batch) => {
    delivered += batch.messages.length;
    await held;
  });
  const registry = createRegistry("test", { processMetrics: false });
  const gauge = consumerLagGauge(registry);
  const stop = reportLag(consumer, gauge, {
    group,
    intervalMs: 50,
    logger: createLogger("test", { level: "error" }),
  });
  const key = `${group}/${topic.name}/0`;
  try {
    await waitForLag(registry, key, 7); // while the batch is held
    release();
    await waitFor("all 7 messages", () => delivered >= 7);
    const after = await waitForLag(registry, key, 0); // after the commit
    assert.deepEqual(Object.keys(after), [key]);

    stop();
    gauge.set({ group, topic: topic.name, partition: "0" }, 99);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await lagValues(registry))[key], 99, "a stopped reporter must not sample again");
  } finally {
    stop();
    release();
    await consumer.close();
    await running;
  }
});

Deno.test("reportLag() logs a failed sample with the group and keeps sampling", opts, async () => {
  const group = testName("group");
  // A real consumer after close(): its lag() fails like one whose broker went away.
  await using topic = await testTopic("lag_closed", 1);
  const consumer = await createConsumer(testConfig("test-consumer"), {
    groupId: group,
    topics: [topic.name],
  });
  await consumer.close();
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger("test", {
    level: "debug",
    write: (line) => lines.push(JSON.parse(line)),
  });
  const registry = createRegistry("test", { processMetrics: false });
  const stop = reportLag(consumer, consumerLagGauge(registry), { group, intervalMs: 50, logger });
  try {
    await waitFor("two failed samples", () => lines.length >= 2);
  } finally {
    stop();
  }
  assert.equal(lines[0]?.message, "Cannot read consumer lag");
  assert.equal(lines[0]?.group, group);
  assert.match(String(lines[0]?.error), new RegExp(`Cannot read the lag of group "${group}"`));
});
