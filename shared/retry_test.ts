import assert from "node:assert/strict";
import { backoffDelay, retry } from "./retry.ts";
import { FakeClock } from "./time.ts";

Deno.test("backoffDelay() doubles from the base and stays between half and all of the step", () => {
  const low = () => 0;
  const high = () => 0.999999;
  assert.deepEqual([0, 1, 2, 3].map((a) => backoffDelay(a, { baseMs: 100, random: low })), [
    50,
    100,
    200,
    400,
  ]);
  assert.equal(backoffDelay(2, { baseMs: 100, random: high }), 400);
});

Deno.test("backoffDelay() never exceeds the cap", () => {
  assert.equal(backoffDelay(50, { baseMs: 100, maxMs: 5000, random: () => 0.999999 }), 5000);
  assert.equal(backoffDelay(50, { baseMs: 100, maxMs: 5000, random: () => 0 }), 2500);
  assert.equal(backoffDelay(5000, { baseMs: 100, maxMs: 5000, random: () => 0 }), 2500);
});

Deno.test("retry() retries with backoff until the call succeeds", async () => {
  const clock = new FakeClock({ autoAdvance: true });
  const told: string[] = [];
  const result = await retry((attempt) => {
    if (attempt < 3) return Promise.reject(new Error(`failure ${attempt}`));
    return Promise.resolve(`done at ${attempt}`);
  }, {
    clock,
    backoff: { baseMs: 100, random: () => 1 },
    onRetry: (error, info) =>
      told.push(`${(error as Error).message} ${info.attempt} ${info.delayMs}`),
  });
  assert.equal(result, "done at 3");
  assert.deepEqual(clock.delays, [100, 200]);
  assert.deepEqual(told, ["failure 1 1 100", "failure 2 2 200"]);
});

Deno.test("retry() rejects with the last failure once the attempts are used up", async () => {
  const clock = new FakeClock({ autoAdvance: true });
  let calls = 0;
  await assert.rejects(
    retry(() => Promise.reject(new Error(`failure ${++calls}`)), { attempts: 3, clock }),
    /^Error: failure 3$/,
  );
  assert.deepEqual([calls, clock.delays.length], [3, 2]);
});

Deno.test("retry() does not retry a failure that is not retryable", async () => {
  let calls = 0;
  await assert.rejects(
    retry(() => Promise.reject(new Error(`permanent ${++calls}`)), { retryable: () => false }),
    /permanent 1/,
  );
  assert.equal(calls, 1);
});

Deno.test("retry() waits as long as the failure asks when delayMs says so", async () => {
  const clock = new FakeClock({ autoAdvance: true });
  await retry((attempt) => attempt === 1 ? Promise.reject(30_000) : Promise.resolve(), {
    clock,
    delayMs: (error) => typeof error === "number" ? error : null,
  });
  assert.deepEqual(clock.delays, [30_000]);
});

Deno.test("retry() stops waiting and rejects with the signal's reason on abort", async () => {
  const clock = new FakeClock();
  const aborter = new AbortController();
  let calls = 0;
  const running = retry(() => Promise.reject(new Error(`failure ${++calls}`)), {
    clock,
    signal: aborter.signal,
  });
  await clock.advance(0);
  aborter.abort(new Error("stopped"));
  await assert.rejects(running, /^Error: stopped$/);
  assert.deepEqual([calls, clock.pending()], [1, 0]);
});
