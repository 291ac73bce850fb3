/** Renders a run as markdown and splices it between markers in docs/benchmarks.md. */
import type { BenchResults } from "./results.ts";
import { evaluate, int, pct, ratio, summarizeRuns, type Summary } from "./targets.ts";

/** Markers delimiting the generated section. */
export const START = "<!-- bench:start -->";
export const END = "<!-- bench:end -->";

/** The intro written when docs/benchmarks.md does not exist yet. */
export const INTRO = `# Benchmarks

Figures measured by the benchmark suite (\`bench/suite.ts\`) on one machine, each EventFlow
component beside a baseline run back to back on the same machine. The section between the
markers is rewritten by every run; the raw figures are in \`bench/results/latest.json\`.
`;

/**
 * The markdown of a run: its measurements, then issue 16's target table. With several runs
 * (`--runs`), `r` is the last run and `summaries` judge each target on the median run, with the
 * spread over all of them.
 */
export function renderMarkdown(
  r: BenchResults,
  summaries: Summary[] = summarizeRuns([evaluate(r)]),
): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(
    `Measured ${r.generatedAt} at commit \`${r.commit}\` with \`${r.command}\` (${
      Math.round(r.durationS)
    } s)${r.note ? ` — **${r.note}**` : ""}.`,
  );
  out.push("");
  out.push(
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB RAM, ${m.kernel}, ` +
      `load average ${m.loadAverage1m} at start; ` +
      Object.entries(m.versions).map(([k, v]) => `${k} ${v}`).join(", ") + ".",
  );
  out.push("", "| Measurement | EventFlow | Baseline | Ratio |", "| --- | --- | --- | --- |");
  const s = r.ingestSingle;
  if (s) {
    out.push(
      `| Single-event ingest, req/s (wrk, 1 thread, ${s.connections} connections, ${s.durationS} s) | ${
        int(s.ingest.requestsPerSec)
      } | ${int(s.bare.requestsPerSec)} (bare \`Deno.serve\` JSON handler) | ${
        pct(ratio(s.ingest.requestsPerSec, s.bare.requestsPerSec))
      } |`,
    );
    out.push(
      `| Single-event latency p50 / p99 | ${ms(s.ingest.latencyMs.p50)} / ${
        ms(s.ingest.latencyMs.p99)
      } | ${ms(s.bare.latencyMs.p50)} / ${ms(s.bare.latencyMs.p99)} | |`,
    );
  }
  const b = r.ingestBatch;
  if (b) {
    out.push(
      `| Batch ingest, events/s (batches of ${b.batch}, ~${int(b.avgEventBytes)} B/event) | ${
        int(b.eventsPerSec)
      } | ${int(b.kafka.recordsPerSec)} (kafka-producer-perf-test, ${
        int(b.avgEventBytes)
      } B records, acks=all) | ${pct(ratio(b.eventsPerSec, b.kafka.recordsPerSec))} |`,
    );
  }
  for (
    const [name, f] of [["ClickHouse", r.sink?.clickhouse], [
      "PostgreSQL",
      r.sink?.postgres,
    ]] as const
  ) {
    if (!f) continue;
    out.push(
      `| Sink → ${name}, rows/s (${int(f.rows)} rows) | ${int(f.sinkRowsPerSec)} | ${
        int(f.baselineRowsPerSec)
      } (${f.baseline}) | ${pct(ratio(f.sinkRowsPerSec, f.baselineRowsPerSec))} |`,
    );
  }
  const st = r.standIn;
  if (st) {
    out.push(
      `| ClickHouse stand-in insert, rows/s (${
        int(st.rows)
      } events rows, JSONEachRow; CPU µs/row ${st.standInCpuUsPerRow} vs ${st.baselineCpuUsPerRow}) | ${
        int(st.standInRowsPerSec)
      } | ${int(st.baselineRowsPerSec)} (chdb in-process, best of raw insert and FROM INFILE) | ${
        pct(ratio(st.standInRowsPerSec, st.baselineRowsPerSec))
      } |`,
    );
  }
  const loaded = r.loadedSingle;
  if (loaded) {
    out.push(
      `| Single-event ingest, whole pipeline running, req/s (wrk, 1 thread, ${loaded.connections} connections, ${loaded.durationS} s, fresh user id per request; p50 / p99) | ${
        int(loaded.ingest.requestsPerSec)
      } (${ms(loaded.ingest.latencyMs.p50)} / ${ms(loaded.ingest.latencyMs.p99)}; ${
        loaded.drainS === null
          ? "not drained within 60 s"
          : `drained ${loaded.drainS.toFixed(1)} s after`
      }) | ${s ? `${int(s.bare.requestsPerSec)} (bare \`Deno.serve\`)` : "–"} | ${
        pct(ratio(loaded.ingest.requestsPerSec, s?.bare.requestsPerSec))
      } |`,
    );
  }
  for (const step of r.sustain?.steps ?? []) {
    out.push(
      `| Open loop ${int(step.rate)} events/s for ${step.durationS} s: accepted ${
        int(step.accepted)
      }, freshness p95 ${sec(step.freshnessP95S)}, max lag ${int(step.maxLag)}, drained ${
        step.drainS === null ? "no" : `${step.drainS.toFixed(1)} s`
      } | ${step.sustained ? "sustained" : `not sustained: ${step.reason}`} | | |`,
    );
  }
  const f = r.freshness;
  if (f) {
    out.push(
      `| End-to-end freshness p50 / p95 / p99 at ${int(f.rateEventsPerSec)} events/s (half of ${
        int(f.maxRateEventsPerSec)
      }), ${f.store} | ${sec(f.p50S)} / ${sec(f.p95S)} / ${sec(f.p99S)} | | |`,
    );
  }
  if (r.cpuPer1000) {
    out.push(
      `| CPU seconds per 1,000 events | ${
        Object.entries(r.cpuPer1000).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")
      } | | |`,
    );
  }
  out.push(
    "",
    "| Target (issue 16) | Measured | Baseline, same run | Target | Status | Spread |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const v of summaries) {
    out.push(
      `| ${v.measure} | ${v.measured} | ${v.baseline} | ${v.target} | ${v.status} | ${v.spread} |`,
    );
  }
  const errors = Object.entries(r.errors);
  if (errors.length > 0) {
    out.push("", "Not measured in this run:", "");
    for (const [phase, why] of errors) out.push(`- ${phase}: ${why.replaceAll("\n", " ")}`);
  }
  return out.join("\n");
}

/** Replaces the text between the markers (or appends the markers), keeping everything else. */
export function spliceSection(doc: string | null, section: string): string {
  const block = `${START}\n${section}\n${END}`;
  if (doc === null) return `${INTRO}\n${block}\n`;
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a === -1 || b === -1 || b < a) return `${doc.replace(/\n*$/, "\n")}\n${block}\n`;
  return doc.slice(0, a) + block + doc.slice(b + END.length);
}

function ms(v: number): string {
  return v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(2)} ms`;
}

function sec(v: number | null): string {
  return v === null ? "–" : `${v.toFixed(2)} s`;
}
