import assert from "node:assert/strict";
import { createBatcher } from "./batcher.ts";
import { FakeClock, settle } from "../../shared/time.ts";

function recorder() {
  const writes: number[][] = [];
  let release: (() => void) | null = null;
  let hold = false;
  const write = async (items: number[]) => {
    writes.push(items);
    if (hold) await new Promise<void>((resolve) => release = resolve);
  };
  return {
    writes,
    write,
    holdWrites: () => hold = true,
    release: () => {
      hold = false;
      release?.();
    },
  };
}

Deno.test("batcher writes as soon as maxItems are waiting", async () => {
  const clock = new FakeClock();
  const r = recorder();
  const b = createBatcher(r.write, { maxItems: 3, maxWaitMs: 1000, maxBuffered: 10, clock });
  const first = b.add([1, 2]);
  await settle();
  assert.deepEqual(r.writes, []);
  const second = b.add([3, 4]);
  await first;
  assert.deepEqual(r.writes, [[1, 2, 3]]);
  assert.equal(b.buffered(), 1);
  await clock.advance(1000);
  await second;
  assert.deepEqual(r.writes, [[1, 2, 3], [4]]);
});

Deno.test("batcher writes a partial batch once the oldest item waited maxWaitMs", async () => {
  const clock = new FakeClock();
  const r = recorder();
  const b = createBatcher(r.write, { maxItems: 100, maxWaitMs: 500, maxBuffered: 200, clock });
  let done = false;
  const added = b.add([1]).then(() => done = true);
  await clock.advance(300);
  void b.add([2]);
  await clock.advance(199);
  assert.deepEqual(r.writes, []);
  assert.equal(done, false);
  await clock.advance(1);
  await added;
  assert.deepEqual(r.writes, [[1, 2]]);
});

Deno.test("batcher holds add() while maxBuffered items are in memory", async () => {
  const clock = new FakeClock();
  const r = recorder();
  r.holdWrites();
  const b = createBatcher(r.write, { maxItems: 2, maxWaitMs: 10, maxBuffered: 4, clock });
  void b.add([1, 2]);
  void b.add([3, 4]);
  let thirdAccepted = false;
  const third = b.add([5]).then(() => thirdAccepted = true);
  await clock.advance(50);
  assert.equal(b.buffered(), 4);
  assert.deepEqual(r.writes, [[1, 2]]);
  r.release();
  await clock.advance(50);
  r.release();
  await clock.advance(50);
  await third;
  assert.equal(thirdAccepted, true);
  assert.deepEqual(r.writes, [[1, 2], [3, 4], [5]]);
});

Deno.test("batcher rejects add() when the write of its items fails", async () => {
  const clock = new FakeClock();
  const b = createBatcher(() => Promise.reject(new Error("shutting down")), {
    maxItems: 2,
    maxWaitMs: 10,
    maxBuffered: 4,
    clock,
  });
  await assert.rejects(b.add([1, 2]), /shutting down/);
  assert.equal(b.buffered(), 0);
});

Deno.test("batcher drain() writes waiting items without waiting for the timer", async () => {
  const clock = new FakeClock();
  const r = recorder();
  const b = createBatcher(r.write, { maxItems: 10, maxWaitMs: 60_000, maxBuffered: 20, clock });
  const added = b.add([1, 2, 3]);
  await b.drain();
  await added;
  assert.deepEqual(r.writes, [[1, 2, 3]]);
});

Deno.test("batcher writes at once when the configured number of callers is waiting", async () => {
  const clock = new FakeClock();
  const r = recorder();
  const b = createBatcher(r.write, {
    maxItems: 100,
    maxWaitMs: 60_000,
    maxBuffered: 200,
    flushWhenCallersWaiting: 2,
    clock,
  });
  const first = b.add([1]);
  await settle();
  assert.deepEqual(r.writes, []);
  await Promise.all([first, b.add([2, 3])]);
  assert.deepEqual(r.writes, [[1, 2, 3]]);
});
