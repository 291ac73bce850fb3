import assert from "node:assert/strict";
import { END, renderMarkdown, spliceSection, START } from "./markdown.ts";
import type { BenchResults } from "./results.ts";
import { evaluate, ratio } from "./targets.ts";

const wrk = (rps: number, p50: number, p99: number) => ({
  requests: rps * 10,
  durationS: 10,
  requestsPerSec: rps,
  latencyMs: { p50, p75: p50, p90: p99, p99, max: p99 * 2 },
  non2xx: 0,
  socketErrors: 0,
});

function run(): BenchResults {
  return {
    generatedAt: "2026-01-01T00:00:00.000Z",
    commit: "abc1234",
    command: "deno task bench",
    durationS: 400,
    machine: {
      nproc: 2,
      memoryGiB: 24,
      cpuModel: "Test CPU",
      kernel: "Linux 6",
      loadAverage1m: 3.5,
      versions: { deno: "2.9.6" },
    },
    ingestSingle: {
      ingest: wrk(6000, 7.5, 30),
      bare: wrk(20000, 2.4, 12),
      connections: 50,
      durationS: 10,
    },
    ingestBatch: {
      eventsPerSec: 40000,
      batch: 100,
      avgEventBytes: 1100,
      kafka: {
        recordsPerSec: 100000,
        mbPerSec: 100,
        avgLatencyMs: 5,
        p99LatencyMs: 20,
        records: 500000,
      },
    },
    sink: {
      clickhouse: {
        sinkRowsPerSec: 30000,
        baselineRowsPerSec: 50000,
        baseline: "direct INSERT",
        rows: 100000,
      },
      postgres: null,
    },
    freshness: {
      rateEventsPerSec: 2500,
      maxRateEventsPerSec: 5000,
      durationS: 30,
      events: 75000,
      store: "clickhouse",
      p50S: 0.8,
      p95S: 2.4,
      p99S: 3.1,
    },
    cpuPer1000: { ingest: 0.1234, enrich: 0.2, sink: 0.05 },
    errors: { "sink postgres": "COPY failed: relation missing" },
  };
}

Deno.test("evaluate() judges each issue target and marks unmeasured ones", () => {
  assert.deepEqual(evaluate(run()).map((v) => [v.measured, v.status]), [
    ["6,000 events/s", "met"],
    ["30%", "met"],
    ["60%", "met"],
    ["–", "not measured"],
    ["2.40 s", "missed"],
  ]);
  assert.equal(ratio(1, 0), null);
  assert.equal(ratio(null, 3), null);
});

Deno.test("renderMarkdown() shows figures, baselines, ratios, targets and gaps", () => {
  const md = renderMarkdown(run());
  assert.match(
    md,
    /\| Single-event ingest, req\/s \(wrk, 1 thread, 50 connections, 10 s\) \| 6,000 \| 20,000 \(bare `Deno.serve` JSON handler\) \| 30% \|/,
  );
  assert.match(
    md,
    /\| Batch ingest, events\/s \(batches of 100, ~1,100 B\/event\) \| 40,000 \| 100,000 .* \| 40% \|/,
  );
  assert.match(
    md,
    /\| Sink → ClickHouse, rows\/s \(100,000 rows\) \| 30,000 \| 50,000 \(direct INSERT\) \| 60% \|/,
  );
  assert.match(md, /0\.80 s \/ 2\.40 s \/ 3\.10 s/);
  assert.match(md, /ingest 0\.123, enrich 0\.200, sink 0\.050/);
  assert.match(md, /\| Freshness p95 < 2 s at half the max rate \| 2\.40 s \| missed \|/);
  assert.match(md, /- sink postgres: COPY failed: relation missing/);
  assert.match(
    md,
    /2 CPUs \(Test CPU\), 24 GiB RAM, Linux 6, load average 3\.5 at start; deno 2\.9\.6\./,
  );
  assert.doesNotMatch(md, /PostgreSQL, rows/);
});

Deno.test("spliceSection() replaces only the text between the markers", () => {
  const doc =
    `# Benchmarks\n\nHand-written intro.\n\n${START}\nold figures\n${END}\n\nNotes kept.\n`;
  assert.equal(
    spliceSection(doc, "new"),
    `# Benchmarks\n\nHand-written intro.\n\n${START}\nnew\n${END}\n\nNotes kept.\n`,
  );
  const created = spliceSection(null, "first");
  assert.ok(created.startsWith("# Benchmarks\n"));
  assert.ok(created.endsWith(`${START}\nfirst\n${END}\n`));
  assert.equal(spliceSection("# Mine\n", "x"), `# Mine\n\n${START}\nx\n${END}\n`);
});
