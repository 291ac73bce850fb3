/** Issue 16's targets, and where a run (or several) stands against them. */
import type { BenchResults } from "./results.ts";

/** One target's verdict for one run. */
export interface Verdict {
  /** The measure, as issue 16 names it. */
  measure: string;
  /** The figure judged (a ratio, a rate, seconds), or null when not measured. */
  value: number | null;
  /** What `value` is: a ratio to the baseline, events or requests per second, seconds. */
  unit: Unit;
  /** The figure as shown, with its unit. */
  measured: string;
  /** The baseline from the same run, or "–" where the target is absolute. */
  baseline: string;
  /** The target as issue 16 states it. */
  target: string;
  status: "met" | "not met" | "not measured";
}

/** What a verdict's value is. */
export type Unit = "ratio" | "per second" | "seconds" | "cpu seconds";

/** A value of `unit` as the tables show it. */
export function formatValue(x: number, unit: Unit): string {
  if (unit === "ratio") return pct(x);
  if (unit === "per second") return int(x);
  if (unit === "seconds") return `${x.toFixed(2)} s`;
  return x.toFixed(3);
}

/** Ratio a/b, or null when either side is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}

/** Formats a ratio as a percentage with no decimals (`37%`), or `–`. */
export function pct(r: number | null): string {
  return r === null ? "–" : `${Math.round(r * 100)}%`;
}

/** Thousands-separated integer. */
export function int(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function ms(v: number): string {
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ms`;
}

/** Judges one run against issue 16's targets, in the issue's order. */
export function evaluate(r: BenchResults): Verdict[] {
  const v: Verdict[] = [];
  const judge = (
    measure: string,
    spec: {
      value: number | null;
      unit: Unit;
      show: (x: number) => string;
      baseline?: string;
      target: string;
      ok: (x: number) => boolean;
    },
  ) =>
    v.push({
      measure,
      value: spec.value,
      unit: spec.unit,
      measured: spec.value === null ? "–" : spec.show(spec.value),
      baseline: spec.baseline ?? "–",
      target: spec.target,
      status: spec.value === null ? "not measured" : spec.ok(spec.value) ? "met" : "not met",
    });

  judge("Max sustained end-to-end rate (open loop, lag bounded, freshness p95 ≤ 2 s)", {
    // Steps run but none sustained is a result (0), not a gap.
    value: r.sustain && r.sustain.steps.length > 0 ? r.sustain.maxSustainedRate ?? 0 : null,
    unit: "per second",
    show: (x) =>
      x > 0
        ? `${int(x)} events/s`
        : `none sustained (lowest tried ${
          int(Math.min(...r.sustain!.steps.map((s) => s.rate)))
        } events/s)`,
    target: "≥ 10,000 events/s",
    ok: (x) => x >= 10_000,
  });

  const bare = r.ingestSingle?.bare;
  const loaded = r.loadedSingle;
  judge("Single-event ingest, whole pipeline running and keeping up (wrk 1 thread, 50 conns)", {
    value: loaded?.ingest.requestsPerSec ?? null,
    unit: "per second",
    show: (x) =>
      `${int(x)} req/s, p99 ${ms(loaded!.ingest.latencyMs.p99)}${
        loaded!.drainS === null ? ", did not keep up" : ""
      }`,
    baseline: bare ? `bare Deno.serve ${int(bare.requestsPerSec)} req/s` : "–",
    target: "≥ 8,000 req/s, p99 ≤ 20 ms",
    ok: (x) => x >= 8000 && loaded!.ingest.latencyMs.p99 <= 20 && loaded!.drainS !== null,
  });

  const cpuTargets: Array<[string, number]> = [["ingest", 0.06], ["enrich", 0.08], ["sink", 0.06]];
  for (const [service, max] of cpuTargets) {
    judge(`CPU s per 1,000 events: ${service}`, {
      value: r.cpuPer1000?.[service] ?? null,
      unit: "cpu seconds",
      show: (x) => x.toFixed(3),
      target: `≤ ${max}`,
      ok: (x) => x <= max,
    });
  }

  const single = r.ingestSingle;
  judge("Single-event ingest vs bare Deno.serve, consumers idle (same wrk settings)", {
    value: ratio(single?.ingest.requestsPerSec, single?.bare.requestsPerSec),
    unit: "ratio",
    show: (x) =>
      `${pct(x)} (${int(single!.ingest.requestsPerSec)} req/s, p99 ${
        ms(single!.ingest.latencyMs.p99)
      })`,
    baseline: single ? `${int(single.bare.requestsPerSec)} req/s` : "–",
    target: "≥ 50%, p99 ≤ 10 ms",
    ok: (x) => x >= 0.5 && single!.ingest.latencyMs.p99 <= 10,
  });

  const batch = r.ingestBatch;
  judge("Batch ingest vs kafka-producer-perf-test (same record size, acks=all)", {
    value: ratio(batch?.eventsPerSec, batch?.kafka.recordsPerSec),
    unit: "ratio",
    show: (x) => `${pct(x)} (${int(batch!.eventsPerSec)} events/s)`,
    baseline: batch ? `${int(batch.kafka.recordsPerSec)} records/s` : "–",
    target: "≥ 50%",
    ok: (x) => x >= 0.5,
  });

  const ch = r.sink?.clickhouse;
  judge("Sink → ClickHouse vs a direct bulk insert of the same rows", {
    value: ratio(ch?.sinkRowsPerSec, ch?.baselineRowsPerSec),
    unit: "ratio",
    show: (x) => `${pct(x)} (${int(ch!.sinkRowsPerSec)} rows/s)`,
    baseline: ch ? `${int(ch.baselineRowsPerSec)} rows/s (${ch.baseline})` : "–",
    target: "≥ 90%",
    ok: (x) => x >= 0.9,
  });

  const pg = r.sink?.postgres;
  judge("Sink → PostgreSQL vs COPY", {
    value: ratio(pg?.sinkRowsPerSec, pg?.baselineRowsPerSec),
    unit: "ratio",
    show: (x) => `${pct(x)} (${int(pg!.sinkRowsPerSec)} rows/s)`,
    baseline: pg ? `${int(pg.baselineRowsPerSec)} rows/s (${pg.baseline})` : "–",
    target: "≥ 80%",
    ok: (x) => x >= 0.8,
  });

  const st = r.standIn;
  judge("Local ClickHouse stand-in insert vs chdb in-process, same rows", {
    value: ratio(st?.standInRowsPerSec, st?.baselineRowsPerSec),
    unit: "ratio",
    show: (x) => `${pct(x)} (${int(st!.standInRowsPerSec)} rows/s)`,
    baseline: st ? `${int(st.baselineRowsPerSec)} rows/s` : "–",
    target: "≥ 90%",
    ok: (x) => x >= 0.9,
  });

  const f = r.freshness;
  judge("Freshness p95 at half the max sustained rate", {
    value: f?.p95S ?? null,
    unit: "seconds",
    show: (x) => `${x.toFixed(2)} s at ${int(f!.rateEventsPerSec)} events/s`,
    target: "≤ 0.5 s",
    ok: (x) => x <= 0.5,
  });
  return v;
}

/** A target judged over several runs: the median run's verdict and the values' range. */
export interface Summary extends Verdict {
  /** `min–max` of the values over the runs, formatted like `value`; "" for a single run. */
  spread: string;
}

/**
 * Combines each target's verdicts over runs: the run with the median value stands for it, and
 * the spread shows the lowest and highest values.
 */
export function summarizeRuns(runs: readonly Verdict[][]): Summary[] {
  if (runs.length === 0) return [];
  return runs[0]!.map((first, i) => {
    const all = runs.map((run) => run[i]!);
    const measured = all.filter((v) => v.value !== null).sort((a, b) => a.value! - b.value!);
    if (measured.length === 0) return { ...first, spread: "" };
    const median = measured[Math.floor((measured.length - 1) / 2)]!;
    const lo = formatValue(measured[0]!.value!, median.unit);
    const hi = formatValue(measured[measured.length - 1]!.value!, median.unit);
    return {
      ...median,
      spread: runs.length < 2 ? "" : `${lo} – ${hi} over ${measured.length} runs`,
    };
  });
}
