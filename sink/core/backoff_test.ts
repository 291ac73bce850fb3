import assert from "node:assert/strict";
import { backoffDelay } from "./backoff.ts";

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
});
