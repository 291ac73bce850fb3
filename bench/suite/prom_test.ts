import assert from "node:assert/strict";
import { bucketDelta, buckets, histogramQuantile, parseProm, sumOf } from "./prom.ts";

const TEXT = `# HELP eventflow_sink_event_freshness_seconds x
# TYPE eventflow_sink_event_freshness_seconds histogram
eventflow_sink_event_freshness_seconds_bucket{le="0.5",store="clickhouse",service="sink"} 10
eventflow_sink_event_freshness_seconds_bucket{le="1",store="clickhouse",service="sink"} 60
eventflow_sink_event_freshness_seconds_bucket{le="2",store="clickhouse",service="sink"} 90
eventflow_sink_event_freshness_seconds_bucket{le="+Inf",store="clickhouse",service="sink"} 100
eventflow_sink_event_freshness_seconds_bucket{le="1",store="postgres",service="sink"} 5
eventflow_sink_event_freshness_seconds_bucket{le="+Inf",store="postgres",service="sink"} 5
eventflow_sink_rows_written_total{store="clickhouse",service="sink"} 1234
eventflow_sink_rows_written_total{store="postgres",service="sink"} 56
eventflow_process_cpu_seconds_total{service="sink"} 3.5
`;

Deno.test("parseProm() and sumOf() read labelled samples", () => {
  const s = parseProm(TEXT);
  assert.equal(sumOf(s, "eventflow_sink_rows_written_total"), 1290);
  assert.equal(sumOf(s, "eventflow_sink_rows_written_total", { store: "postgres" }), 56);
  assert.equal(sumOf(s, "eventflow_process_cpu_seconds_total"), 3.5);
});

Deno.test("histogramQuantile() interpolates inside the bucket like Prometheus", () => {
  const b = buckets(parseProm(TEXT), "eventflow_sink_event_freshness_seconds", {
    store: "clickhouse",
  });
  assert.equal(histogramQuantile(0.5, b), 0.5 + 0.5 * (50 - 10) / 50);
  assert.equal(histogramQuantile(0.9, b), 2);
  // The 95th value lies in +Inf: the largest finite bound is all that can be said.
  assert.equal(histogramQuantile(0.95, b), 2);
  assert.equal(histogramQuantile(0.5, new Map()), null);
});

Deno.test("bucketDelta() keeps only what was observed between two scrapes", () => {
  const before = new Map([[1, 50], [Infinity, 50]]);
  const after = new Map([[1, 60], [Infinity, 150]]);
  const d = bucketDelta(before, after);
  assert.deepEqual([...d], [[1, 10], [Infinity, 100]]);
  assert.equal(histogramQuantile(0.05, d), 0.5);
  assert.equal(histogramQuantile(0.5, d), 1);
});
