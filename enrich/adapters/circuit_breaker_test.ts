import assert from "node:assert/strict";
import { createCircuitBreaker } from "./circuit_breaker.ts";

async function message(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return (error as Error).message;
  }
}

Deno.test("a circuit opens after the threshold, fails fast, and closes after a good trial", async () => {
  let now = 0;
  const states: string[] = [];
  const breaker = createCircuitBreaker("Geo API", {
    failureThreshold: 2,
    openMs: 1000,
    clock: { now: () => now },
    onStateChange: (s) => states.push(s),
  });
  let calls = 0;
  const fail = () => (calls++, Promise.reject(new Error("connection refused")));
  assert.deepEqual(await message(breaker.call(fail)), "connection refused");
  assert.deepEqual(await message(breaker.call(fail)), "connection refused");
  assert.deepEqual(breaker.state, "open");
  assert.deepEqual(
    await message(breaker.call(fail)),
    "Geo API is failing; calls are skipped for 1 s",
  );
  assert.deepEqual(calls, 2);
  now = 1000;
  assert.deepEqual(breaker.state, "half-open");
  assert.deepEqual(await breaker.call(() => Promise.resolve(42)), 42);
  assert.deepEqual(states, ["open", "half-open", "closed"]);
});

Deno.test("a failed trial call reopens the circuit", async () => {
  let now = 0;
  const breaker = createCircuitBreaker("Geo API", {
    failureThreshold: 1,
    openMs: 10,
    clock: { now: () => now },
  });
  await message(breaker.call(() => Promise.reject(new Error("down"))));
  now = 10;
  await message(breaker.call(() => Promise.reject(new Error("still down"))));
  assert.deepEqual(breaker.state, "open");
});
