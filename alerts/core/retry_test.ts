import assert from "node:assert/strict";
import { type AttemptResult, describe, isRetriable, parseRetryAfter, retryDelay } from "./retry.ts";

const http = (status: number, retryAfter: string | null = null): AttemptResult => ({
  kind: "http",
  status,
  body: "",
  retryAfter,
});
const now = new Date("2026-04-10T12:00:00Z");

Deno.test("isRetriable() retries network errors, 429 and 5xx, not other 4xx", () => {
  assert.equal(isRetriable({ kind: "network", error: "reset" }), true);
  assert.equal(isRetriable(http(429)), true);
  assert.equal(isRetriable(http(503)), true);
  assert.equal(isRetriable(http(400)), false);
  assert.equal(isRetriable(http(404)), false);
  assert.equal(isRetriable(http(301)), false, "redirects are not followed");
});

Deno.test("parseRetryAfter() reads delta-seconds and HTTP dates", () => {
  assert.equal(parseRetryAfter("7", now), 7000);
  assert.equal(parseRetryAfter("1.5", now), 1500);
  assert.equal(parseRetryAfter("Fri, 10 Apr 2026 12:00:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("Fri, 10 Apr 2026 11:00:00 GMT", now), 0, "past date");
  assert.equal(parseRetryAfter("soon", now), null);
  assert.equal(parseRetryAfter(null, now), null);
});

Deno.test("retryDelay() doubles with jitter between half and the full step, capped", () => {
  const low = { random: () => 0, baseMs: 500, maxMs: 30_000 };
  const high = { random: () => 0.999999, baseMs: 500, maxMs: 30_000 };
  const failure = http(503);
  assert.deepEqual([0, 1, 2, 3].map((n) => retryDelay(n, failure, low)), [250, 500, 1000, 2000]);
  assert.deepEqual([0, 1, 2, 3].map((n) => retryDelay(n, failure, high)), [500, 1000, 2000, 4000]);
  assert.equal(retryDelay(20, failure, high), 30_000);
});

Deno.test("retryDelay() honours Retry-After up to the cap", () => {
  assert.equal(retryDelay(0, http(429, "7"), { now, random: () => 0 }), 7000);
  assert.equal(retryDelay(0, http(503, "3600"), { now, maxMs: 60_000 }), 60_000);
  assert.equal(retryDelay(0, http(429, "junk"), { now, random: () => 0 }), 250);
});

Deno.test("describe() names the status and a trimmed body", () => {
  assert.equal(
    describe({ kind: "http", status: 400, body: ' {"error":\n "bad"} ', retryAfter: null }),
    'answered 400: {"error": "bad"}',
  );
  assert.equal(
    describe({ kind: "network", error: "timed out after 5 ms" }),
    "timed out after 5 ms",
  );
});
