import assert from "node:assert/strict";
import { END, renderMarkdown, spliceSection, START } from "./markdown.ts";
import type { BenchResults } from "./results.ts";
import { evaluate, ratio, summarizeRuns } from "./targets.ts";

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
    note: "loaded machine",
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
    standIn: {
      standInRowsPerSec: 9000,
      baselineRowsPerSec: 10000,
      rows: 30000,
      standInCpuUsPerRow: 42,
      baselineCpuUsPerRow: 40,
    },
    loadedSingle: {
      ingest: wrk(8500, 4, 18),
      connections: 50,
      durationS: 10,
      drainS: null,
    },
    sustain: {
      steps: [
        {
          rate: 10000,
          durationS: 60,
          accepted: 500000,
          storedClickhouse: 480000,
          freshnessP95S: 4.2,
          maxLag: 60000,
          drainS: null,
          sustained: false,
          reason: "freshness p95 4.20 s > 2 s",
        },
        {
          rate: 6000,
          durationS: 60,
          accepted: 360000,
          storedClickhouse: 360000,
          freshnessP95S: 1.1,
          maxLag: 3000,
          drainS: 1.5,
          sustained: true,
          reason: null,
        },
      ],
      maxSustainedRate: 6000,
    },
    cpuPer1000: { ingest: 0.1234, enrich: 0.2, sink: 0.05, alerts: 0.01 },
    errors: { "sink postgres": "COPY failed: relation missing" },
  };
}

Deno.test("evaluate() judges each issue 16 target and marks unmeasured ones", () => {
  assert.deepEqual(evaluate(run()).map((v) => [v.measured, v.target, v.status]), [
    ["6,000 events/s", "≥ 10,000 events/s", "not met"],
    ["8,500 req/s, p99 18.0 ms, did not keep up", "≥ 8,000 req/s, p99 ≤ 20 ms", "not met"],
    ["0.123", "≤ 0.06", "not met"],
    ["0.200", "≤ 0.08", "not met"],
    ["0.050", "≤ 0.06", "met"],
    ["30% (6,000 req/s, p99 30.0 ms)", "≥ 50%, p99 ≤ 10 ms", "not met"],
    ["40% (40,000 events/s)", "≥ 50%", "not met"],
    ["60% (30,000 rows/s)", "≥ 90%", "not met"],
    ["–", "≥ 80%", "not measured"],
    ["90% (9,000 rows/s)", "≥ 90%", "met"],
    ["2.40 s at 2,500 events/s", "≤ 0.5 s", "not met"],
  ]);
  assert.equal(ratio(1, 0), null);
  assert.equal(ratio(null, 3), null);
});

Deno.test("evaluate() counts a search where no rate was sustained as not met, not unmeasured", () => {
  const r = run();
  r.sustain!.steps = r.sustain!.steps.slice(0, 1);
  r.sustain!.maxSustainedRate = null;
  const [headline] = evaluate(r);
  assert.deepEqual([headline!.measured, headline!.status], [
    "none sustained (lowest tried 10,000 events/s)",
    "not met",
  ]);
  r.sustain = null;
  assert.equal(evaluate(r)[0]!.status, "not measured");
});

Deno.test("summarizeRuns() keeps the median run's verdict and shows the spread", () => {
  const runs = [0.5, 0.95, 0.92].map((r) => {
    const result = run();
    result.standIn!.standInRowsPerSec = r * 10000;
    return evaluate(result);
  });
  const standIn = summarizeRuns(runs)[9]!;
  assert.deepEqual([standIn.measured, standIn.status, standIn.spread], [
    "92% (9,200 rows/s)",
    "met",
    "50% – 95% over 3 runs",
  ]);
  assert.equal(summarizeRuns([evaluate(run())])[9]!.spread, "");
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
  assert.match(
    md,
    /\| Freshness p95 at half the max sustained rate \| 2\.40 s at 2,500 events\/s \| – \| ≤ 0\.5 s \| not met \|/,
  );
  assert.match(
    md,
    /\| Sink → ClickHouse vs a direct bulk insert of the same rows \| 60% \(30,000 rows\/s\) \| 50,000 rows\/s \(direct INSERT\) \| ≥ 90% \| not met \|/,
  );
  assert.match(
    md,
    /Open loop 10,000 events\/s for 60 s: .* not sustained: freshness p95 4\.20 s > 2 s/,
  );
  assert.match(md, /\*\*loaded machine\*\*/);
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
