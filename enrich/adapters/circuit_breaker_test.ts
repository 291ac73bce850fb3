import { assert, assertEquals } from "../_test_util.ts";
import { createCircuitBreaker, withTimeout } from "./circuit_breaker.ts";

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
    now: () => now,
    onStateChange: (s) => states.push(s),
  });
  let calls = 0;
  const fail = () => (calls++, Promise.reject(new Error("connection refused")));
  assertEquals(await message(breaker.call(fail)), "connection refused");
  assertEquals(await message(breaker.call(fail)), "connection refused");
  assertEquals(breaker.state, "open");
  assertEquals(await message(breaker.call(fail)), "Geo API is failing; calls are skipped for 1 s");
  assertEquals(calls, 2);
  now = 1000;
  assertEquals(breaker.state, "half-open");
  assertEquals(await breaker.call(() => Promise.resolve(42)), 42);
  assertEquals(states, ["open", "half-open", "closed"]);
});

Deno.test("a failed trial call reopens the circuit", async () => {
  let now = 0;
  const breaker = createCircuitBreaker("Geo API", {
    failureThreshold: 1,
    openMs: 10,
    now: () => now,
  });
  await message(breaker.call(() => Promise.reject(new Error("down"))));
  now = 10;
  await message(breaker.call(() => Promise.reject(new Error("still down"))));
  assertEquals(breaker.state, "open");
});

Deno.test("withTimeout() rejects with what timed out", async () => {
  const never = new Promise(() => {});
  assertEquals(await message(withTimeout(never, 5, "Redis GET")), "Redis GET timed out after 5 ms");
  assert((await withTimeout(Promise.resolve(1), 5, "x")) === 1, "passes values through");
});
