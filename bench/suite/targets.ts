/** The targets from the issues, and where a run stands against them. */
import type { BenchResults } from "./results.ts";

/** One target's verdict. */
export interface Verdict {
  target: string;
  measured: string;
  status: "met" | "missed" | "not measured";
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

/** Judges a run against the issue targets. */
export function evaluate(r: BenchResults): Verdict[] {
  const v: Verdict[] = [];
  const judge = (
    target: string,
    value: number | null,
    ok: (x: number) => boolean,
    show: (x: number) => string,
  ) =>
    v.push({
      target,
      measured: value === null ? "–" : show(value),
      status: value === null ? "not measured" : ok(value) ? "met" : "missed",
    });
  const single = r.ingestSingle?.ingest.requestsPerSec ?? null;
  judge("Ingest ≥ 5,000 single events/s", single, (x) => x >= 5000, (x) => `${int(x)} events/s`);
  judge(
    "Ingest ≥ 25% of bare Deno.serve (single events)",
    ratio(single, r.ingestSingle?.bare.requestsPerSec),
    (x) => x >= 0.25,
    pct,
  );
  judge(
    "Sink ≥ 50% of direct ClickHouse insert",
    ratio(r.sink?.clickhouse?.sinkRowsPerSec, r.sink?.clickhouse?.baselineRowsPerSec),
    (x) => x >= 0.5,
    pct,
  );
  judge(
    "Sink ≥ 50% of PostgreSQL COPY",
    ratio(r.sink?.postgres?.sinkRowsPerSec, r.sink?.postgres?.baselineRowsPerSec),
    (x) => x >= 0.5,
    pct,
  );
  judge(
    "Freshness p95 < 2 s at half the max rate",
    r.freshness?.p95S ?? null,
    (x) => x < 2,
    (x) => `${x.toFixed(2)} s`,
  );
  return v;
}
