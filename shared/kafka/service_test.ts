import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { createRegistry } from "../metrics.ts";
import type { Consumer } from "./consumer.ts";
import { consumerLagGauge } from "./lag.ts";
import type { Batch } from "./message.ts";
import { consumerGroupOf, startConsumers, type StartConsumersOptions } from "./service.ts";

const batch: Batch = { topic: "t", partition: 0, lastOffset: "0", messages: [] };

/**
 * A consumer that hands one batch over and then waits for close(), as the real one does; close()
 * resolves only once the in-flight handler settled.
 */
function fakeConsumer(events: string[], name: string): Consumer {
  let closed!: () => void;
  const closing = new Promise<void>((resolve) => (closed = resolve));
  let inFlight: Promise<void> = Promise.resolve();
  return {
    async run(handler) {
      inFlight = handler(batch).catch((error) => void events.push(`${name} rejected: ${error}`));
      await inFlight;
      await closing;
    },
    pause() {},
    resume() {},
    lag: () => Promise.resolve([{ topic: "t", partition: 0, lag: 7 }]),
    async close() {
      events.push(`${name} close`);
      closed();
      await inFlight;
      events.push(`${name} closed`);
    },
  };
}

function options(overrides: Partial<StartConsumersOptions> = {}): StartConsumersOptions {
  const registry = createRegistry("t", { processMetrics: false });
  return {
    registry,
    logger: createLogger("t", { write: () => {} }),
    lagGauge: consumerLagGauge(registry),
    lagIntervalMs: 60_000,
    ...overrides,
  };
}

Deno.test("startConsumers() runs each group's handler and stop() waits for them to close", async () => {
  const events: string[] = [];
  const running = startConsumers([
    { group: "a", consumer: fakeConsumer(events, "a"), handle: () => Promise.resolve() },
    { group: "b", consumer: fakeConsumer(events, "b"), handle: () => Promise.resolve() },
  ], options());
  await running.stop();
  await running.done;
  assert.deepEqual(events, ["a close", "b close", "a closed", "b closed"]);
});

Deno.test("startConsumers() aborts in-flight work on stop so close() cannot hang", async () => {
  const events: string[] = [];
  const aborter = new AbortController();
  // A handler stuck until aborted, like a lane retrying a down store.
  const stuck = () =>
    new Promise<void>((_, reject) =>
      aborter.signal.addEventListener("abort", () => reject("aborted"))
    );
  const running = startConsumers(
    [{ group: "a", consumer: fakeConsumer(events, "a"), handle: stuck }],
    options({ abortInFlight: { afterMs: 0, abort: () => aborter.abort() } }),
  );
  await running.stop();
  assert.deepEqual(events, ["a close", "a rejected: aborted", "a closed"]);
});

Deno.test("startConsumers() serves /readyz from its checks and turns it 503 on drain()", async () => {
  const events: string[] = [];
  const running = startConsumers(
    [{ group: "a", consumer: fakeConsumer(events, "a"), handle: () => Promise.resolve() }],
    options({ checks: [{ name: "store", check: () => Promise.resolve() }] }),
  );
  const before = await running.app.request("/readyz");
  running.drain();
  const after = await running.app.request("/readyz");
  assert.deepEqual([before.status, after.status, (await after.json()).status], [
    200,
    503,
    "draining",
  ]);
  await running.stop();
});

Deno.test("startConsumers() done rejects when a consumer loop dies", async () => {
  const dying: Consumer = {
    run: () => Promise.reject(new Error("broker gone for good")),
    pause() {},
    resume() {},
    lag: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  };
  const running = startConsumers(
    [{ group: "a", consumer: dying, handle: () => Promise.resolve() }],
    options(),
  );
  await assert.rejects(running.done, /broker gone for good/);
  await running.stop();
});

Deno.test("consumerGroupOf() reads a one-group service's environment", () => {
  assert.deepEqual(
    consumerGroupOf({ CONSUMER_GROUP: "enrich", BATCH_SIZE: 500, FROM_BEGINNING: true }, "raw"),
    { groupId: "enrich", topics: ["raw"], fromBeginning: true, maxBatchSize: 500 },
  );
});
