import assert from "node:assert/strict";
import { backoffMs } from "./backoff.ts";

Deno.test("backoffMs() doubles from the initial delay and stops at the maximum", () => {
  const opts = { initialMs: 100, maxMs: 1000 };
  assert.equal(backoffMs(1, opts), 100);
  assert.equal(backoffMs(2, opts), 200);
  assert.equal(backoffMs(4, opts), 800);
  assert.equal(backoffMs(5, opts), 1000);
  assert.equal(backoffMs(60, opts), 1000);
});

Deno.test("backoffMs() defaults to 200 ms doubling up to 10 s", () => {
  assert.equal(backoffMs(1), 200);
  assert.equal(backoffMs(20), 10_000);
});
