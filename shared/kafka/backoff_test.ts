import { backoffMs } from "./backoff.ts";

function assertEquals(actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`Expected ${expected}, got ${actual}`);
}

Deno.test("backoffMs() doubles from the initial delay and stops at the maximum", () => {
  const opts = { initialMs: 100, maxMs: 1000 };
  assertEquals(backoffMs(1, opts), 100);
  assertEquals(backoffMs(2, opts), 200);
  assertEquals(backoffMs(4, opts), 800);
  assertEquals(backoffMs(5, opts), 1000);
  assertEquals(backoffMs(60, opts), 1000);
});

Deno.test("backoffMs() defaults to 200 ms doubling up to 10 s", () => {
  assertEquals(backoffMs(1), 200);
  assertEquals(backoffMs(20), 10_000);
});
