import assert from "node:assert/strict";
import { LatencyHistogram, percentile } from "./stats.ts";

Deno.test("percentile() uses the nearest rank", () => {
  const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.equal(percentile(values, 0.5), 5);
  assert.equal(percentile(values, 0.9), 9);
  assert.equal(percentile(values, 0.99), 10);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile([], 0.5), 0);
});

Deno.test("LatencyHistogram quantiles are within 1% of the exact percentiles", () => {
  const h = new LatencyHistogram();
  const values: number[] = [];
  for (let i = 1; i <= 10_000; i++) {
    const v = (i * 7919) % 10_007 / 10; // spread 0.1–1000 ms, unordered
    values.push(v);
    h.record(v);
  }
  for (const q of [0.5, 0.9, 0.99, 0.999]) {
    const exact = percentile(values, q);
    const approx = h.quantile(q);
    assert.ok(Math.abs(approx - exact) / exact <= 0.011, `q${q}: ${approx} vs ${exact}`);
  }
  assert.equal(h.max, Math.max(...values));
  assert.equal(h.count, 10_000);
});

Deno.test("LatencyHistogram.merge() combines counts and max", () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  [1, 2, 3].forEach((v) => a.record(v));
  [100, 200].forEach((v) => b.record(v));
  a.merge(b);
  assert.equal(a.count, 5);
  assert.equal(a.max, 200);
  assert.ok(Math.abs(a.quantile(0.5) - 3) <= 0.03);
  assert.equal(new LatencyHistogram().quantile(0.99), 0);
});
