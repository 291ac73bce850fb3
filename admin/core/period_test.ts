import assert from "node:assert/strict";
import { fillBuckets, resolvePeriod } from "./period.ts";

const now = new Date("2025-03-10T15:20:00Z");

Deno.test("resolvePeriod() spans whole UTC days including today", () => {
  const week = resolvePeriod(undefined, now);
  assert.equal(week.key, "7d");
  assert.equal(week.from.toISOString(), "2025-03-04T00:00:00.000Z");
  assert.equal(week.to.toISOString(), "2025-03-11T00:00:00.000Z");
  assert.equal(week.buckets.length, 7);
  const today = resolvePeriod("today", now);
  assert.equal(today.bucket, "hour");
  assert.equal(today.buckets.length, 24);
  assert.equal(resolvePeriod("30d", now).buckets[0]?.toISOString(), "2025-02-09T00:00:00.000Z");
  assert.throws(
    () => resolvePeriod("year", now),
    /Parameter "period" must be one of today, 7d, 30d, got "year"/,
  );
});

Deno.test("fillBuckets() puts zero into buckets without rows", () => {
  const period = resolvePeriod("7d", now);
  const filled = fillBuckets(period, [{ bucket: new Date("2025-03-06T00:00:00Z"), value: 12.5 }]);
  assert.deepEqual(filled.map((p) => p.value), [0, 0, 12.5, 0, 0, 0, 0]);
});
