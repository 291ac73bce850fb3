import assert from "node:assert/strict";
import type { DeadLetter } from "../shared/events/mod.ts";
import type { Batch, Consumer } from "../shared/kafka/mod.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createLogger } from "../shared/log.ts";
import { ok } from "../shared/pipeline.ts";
import { FakeClock } from "../shared/time.ts";
import { createSinkMetrics } from "./metrics.ts";
import { startSink } from "./service.ts";

/** A consumer that hands over `batches` once, then ends its loop. */
function replayConsumer(batches: Batch[]): Consumer {
  return {
    async run(handler) {
      for (const batch of batches) await handler(batch);
    },
    pause() {},
    resume() {},
    lag: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  };
}

const broken: Batch = {
  topic: "enriched",
  partition: 0,
  lastOffset: "7",
  messages: [{
    topic: "enriched",
    partition: 0,
    offset: "7",
    key: null,
    value: new TextEncoder().encode("{not json"),
    headers: {},
    timestamp: "0",
  }],
};

/** A store that accepts everything and writes nothing. */
function noopStore(name: string) {
  return {
    name,
    prepare: () => ok(null),
    write: () => Promise.resolve(0),
    isContentError: () => false,
  };
}

/** Starts a sink over `stores` (each fed `batches` once), collecting its dead letters. */
function testSink(stores: string[], batches: Batch[]) {
  const sent: DeadLetter[] = [];
  const registry = createRegistry("t", { processMetrics: false });
  const sink = startSink(
    stores.map((name) => ({
      store: noopStore(name),
      group: `sink-${name}`,
      consumer: replayConsumer(batches),
      ping: () => Promise.resolve(),
    })),
    {
      deadLetters: {
        send: (records) => {
          sent.push(...records);
          return Promise.resolve();
        },
      },
      metrics: createSinkMetrics(registry),
      registry,
      logger: createLogger("t", { level: "error" }),
      clock: new FakeClock(0),
      batchSize: 10,
      flushMs: 100,
      maxBuffered: 100,
      retryBaseMs: 10,
      retryMaxMs: 100,
      shutdownGraceMs: 100,
    },
  );
  return { sink, sent };
}

Deno.test("startSink() leaves schema failures to the ClickHouse lane when PostgreSQL runs alone", async () => {
  // SINK_STORES=postgres in one process and SINK_STORES=clickhouse in another read the same
  // message: only the ClickHouse lane may dead-letter it, or every broken message is sent twice.
  const { sink, sent } = testSink(["postgres"], [broken]);
  await sink.done;
  await sink.stop();
  assert.deepEqual(sent, []);
});

Deno.test("startSink() dead-letters a message failing the schema once, from the ClickHouse lane", async () => {
  // PostgreSQL listed first: which lane reports must not depend on the order.
  const { sink, sent } = testSink(["postgres", "clickhouse"], [broken]);
  await sink.done;
  await sink.stop();
  assert.equal(sent.length, 1);
  assert.equal(sent[0]?.stage, "sink");
  assert.equal(sent[0]?.reason, "INVALID_JSON");
});

Deno.test("startSink() drain() turns /readyz to 503 before stop() is called", async () => {
  const { sink } = testSink(["postgres"], []);
  const before = await sink.app.request("/readyz");
  sink.drain();
  const after = await sink.app.request("/readyz");
  assert.deepEqual([before.status, after.status, (await after.json()).status], [
    200,
    503,
    "draining",
  ]);
  await sink.done;
  await sink.stop();
});
