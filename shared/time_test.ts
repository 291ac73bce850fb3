import assert from "node:assert/strict";
import { FakeClock, settle, sleep, throttle, TimeoutError, withTimeout } from "./time.ts";

Deno.test("sleep() resolves once the clock passed the delay, not before", async () => {
  const clock = new FakeClock();
  let done = false;
  const slept = sleep(500, { clock }).then(() => (done = true));
  await clock.advance(499);
  assert.equal(done, false);
  await clock.advance(1);
  await slept;
  assert.deepEqual([done, clock.now(), clock.pending()], [true, 500, 0]);
});

Deno.test("sleep() rejects with the signal's reason on abort and clears its timer", async () => {
  const clock = new FakeClock();
  const aborter = new AbortController();
  const slept = sleep(60_000, { clock, signal: aborter.signal });
  aborter.abort(new Error("shutting down"));
  await assert.rejects(slept, /^Error: shutting down$/);
  assert.equal(clock.pending(), 0);
  await assert.rejects(sleep(1, { clock, signal: aborter.signal }), /shutting down/);
  assert.equal(clock.pending(), 0, "an aborted signal sets no timer");
});

Deno.test("withTimeout() rejects with a retriable TimeoutError naming what timed out", async () => {
  const clock = new FakeClock();
  const never = new Promise<number>(() => {});
  const timed = withTimeout(never, 200, { what: "Redis GET ef:user:1", clock });
  const caught = timed.catch((error) => error);
  await clock.advance(200);
  const error = await caught;
  assert(error instanceof TimeoutError);
  assert.deepEqual([error.message, error.code, error.retriable], [
    "Redis GET ef:user:1 timed out after 200 ms",
    "TIMEOUT",
    true,
  ]);
});

Deno.test("withTimeout() passes values and failures through and clears its timer", async () => {
  const clock = new FakeClock();
  assert.equal(await withTimeout(Promise.resolve(1), 5, { clock }), 1);
  await assert.rejects(withTimeout(Promise.reject(new Error("refused")), 5, { clock }), /refused/);
  assert.equal(clock.pending(), 0);
});

Deno.test("throttle() opens once per interval", async () => {
  const clock = new FakeClock({ start: 1_000_000 });
  const warn = throttle(10_000, { clock });
  const seen = [warn(), warn()];
  await clock.advance(9_999);
  seen.push(warn());
  await clock.advance(1);
  seen.push(warn(), warn());
  assert.deepEqual(seen, [true, false, false, true, false]);
});

Deno.test("FakeClock with autoAdvance fires timers at once and records their delays", async () => {
  const clock = new FakeClock({ autoAdvance: true });
  await sleep(100, { clock });
  await sleep(250, { clock });
  const cancelled = clock.setTimeout(() => assert.fail("cleared timer fired"), 5);
  clock.clearTimeout(cancelled);
  await settle();
  assert.deepEqual([clock.delays, clock.now()], [[100, 250, 5], 350]);
});
