/** Human-readable output of a load run: the per-second progress line and the final table. */
import type { RunSummary } from "./tally.ts";

/** Numbers of one progress line. */
export interface Progress {
  elapsedS: number;
  sent: number;
  ok: number;
  errors: number;
  /** Events accepted per second over the last interval. */
  rate: number;
  /** p99 latency of the last interval, ms. */
  p99: number;
}

/** `  12s  sent 120000  ok 119998  err 2  rate 10012/s  p99 4.1 ms` */
export function progressLine(p: Progress): string {
  return `${pad(`${p.elapsedS.toFixed(0)}s`, 5)}  sent ${pad(p.sent, 9)}  ok ${pad(p.ok, 9)}  err ${
    pad(p.errors, 6)
  }  rate ${pad(Math.round(p.rate), 7)}/s  p99 ${fmtMs(p.p99)}`;
}

/** The end-of-run table. */
export function summaryTable(s: RunSummary): string {
  const rows: [string, string][] = [
    ["mode", s.mode + (s.targetRate !== null ? ` (${s.targetRate} events/s offered)` : "")],
    ["batch size", String(s.batch)],
    ["duration", `${s.durationS.toFixed(1)} s`],
    ["requests", String(s.requests)],
    ["events sent", String(s.sent)],
    ["accepted", String(s.accepted)],
    ["rejected", String(s.rejected)],
    ["errors", String(s.errors)],
    ["achieved rate", `${s.achievedRate.toFixed(1)} events/s (${s.requestRate.toFixed(1)} req/s)`],
    ["latency p50", fmtMs(s.latencyMs.p50)],
    ["latency p90", fmtMs(s.latencyMs.p90)],
    ["latency p99", fmtMs(s.latencyMs.p99)],
    ["latency max", fmtMs(s.latencyMs.max)],
    [
      "HTTP statuses",
      Object.entries(s.statuses).map(([k, v]) => `${k === "0" ? "no answer" : k}×${v}`).join(" "),
    ],
  ];
  for (const e of s.errorSamples) rows.push(["error", e]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n");
}

/** Milliseconds with sensible precision. */
export function fmtMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(2)} ms`;
}

function pad(v: string | number, n: number): string {
  return String(v).padStart(n);
}
