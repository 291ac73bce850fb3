import assert from "node:assert/strict";
import { type Clock, type Completion, dueCount, intendedOffset, runOpenLoop } from "./scheduler.ts";

/** A fake clock that advances only when the scheduler sleeps, or when a test stalls it. */
function fakeClock(): Clock & { t: number; sleeps: number[] } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: (ms: number) => {
      c.sleeps.push(ms);
      // Responses already resolved are delivered before time moves on, as on a real event loop.
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          c.t += Math.max(ms, 0);
          resolve();
        }, 0)
      );
    },
  };
  return c;
}

Deno.test("intendedOffset() and dueCount() spread requests evenly", () => {
  assert.equal(intendedOffset(0, 100), 0);
  assert.equal(intendedOffset(5, 100), 50);
  assert.equal(dueCount(0, 100, 1000), 1);
  assert.equal(dueCount(49.9, 100, 1000), 5);
  assert.equal(dueCount(50, 100, 1000), 6);
  assert.equal(dueCount(1e9, 100, 1000), 1000);
});

Deno.test("runOpenLoop() sends rate × duration requests, each at its intended time", async () => {
  const clock = fakeClock();
  const sentAt: number[] = [];
  const result = await runOpenLoop({
    rate: 200,
    durationMs: 1000,
    clock,
    send: () => {
      sentAt.push(clock.t);
      return Promise.resolve(true);
    },
  });
  assert.deepEqual(result, { scheduled: 200, dropped: 0 });
  assert.equal(sentAt.length, 200);
  sentAt.forEach((t, i) => assert.equal(t, i * 5));
});

Deno.test("runOpenLoop() keeps the schedule through a stall and charges the delay to latency", async () => {
  const clock = fakeClock();
  const completions: Completion[] = [];
  await runOpenLoop({
    rate: 100,
    durationMs: 200,
    clock,
    send: (i) => {
      // Request 3 stalls the sender for 50 ms (a GC pause, a full socket buffer…).
      if (i === 3) clock.t += 50;
      return Promise.resolve(true);
    },
    onComplete: (c) => completions.push(c),
  });
  assert.equal(completions.length, 20);
  const byIndex = new Map(completions.map((c) => [c.index, c.latencyMs]));
  // Requests 4–8 were due at 40–80 ms but could only go out at 80 ms: a closed-loop
  // generator would have measured ~0 for them.
  assert.equal(byIndex.get(4), 40);
  assert.equal(byIndex.get(7), 10);
  assert.equal(byIndex.get(8), 0);
  assert.equal(byIndex.get(10), 0);
});

Deno.test("runOpenLoop() counts requests beyond maxInflight as failed without sending them", async () => {
  const clock = fakeClock();
  let sent = 0;
  const pending: (() => void)[] = [];
  const completions: Completion[] = [];
  const run = runOpenLoop({
    rate: 1000,
    durationMs: 10,
    clock,
    maxInflight: 4,
    send: () => {
      sent++;
      return new Promise((resolve) => pending.push(() => resolve(true)));
    },
    onComplete: (c) => {
      completions.push(c);
      // Answer the four held requests only once all the others have been refused.
      if (completions.length === 6) pending.forEach((f) => f());
    },
  });
  const result = await run;
  assert.equal(sent, 4);
  assert.deepEqual(result, { scheduled: 10, dropped: 6 });
  assert.equal(completions.filter((c) => !c.ok).length, 6);
});
