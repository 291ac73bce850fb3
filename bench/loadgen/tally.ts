/** Running totals of a load run, and the summary computed from them. */
import type { SendResult } from "./sender.ts";
import { LatencyHistogram } from "./stats.ts";

/** Counters updated as responses arrive. */
export class Tally {
  requests = 0;
  events = 0;
  accepted = 0;
  rejected = 0;
  /** Events in requests that failed (no answer, 5xx, 401/403/429) or were never sent. */
  errors = 0;
  statuses: Record<string, number> = {};
  latency = new LatencyHistogram();
  /** Latencies since the last progress line. */
  window = new LatencyHistogram();
  /** The first few distinct error messages, for the report. */
  errorSamples: string[] = [];

  /** Records one finished request. */
  add(result: SendResult, events: number, latencyMs: number): void {
    this.requests++;
    this.events += events;
    this.accepted += result.accepted;
    this.rejected += result.rejected;
    if (result.error !== null) {
      this.errors += events;
      if (this.errorSamples.length < 5 && !this.errorSamples.includes(result.error)) {
        this.errorSamples.push(result.error);
      }
    }
    const key = String(result.status);
    this.statuses[key] = (this.statuses[key] ?? 0) + 1;
    this.latency.record(latencyMs);
    this.window.record(latencyMs);
  }
}

/** The outcome of a run, as printed and written with `--json`. */
export interface RunSummary {
  mode: "rate" | "max" | "backfill";
  /** Offered rate in events/s (rate mode only). */
  targetRate: number | null;
  batch: number;
  concurrency: number | null;
  durationS: number;
  requests: number;
  sent: number;
  accepted: number;
  rejected: number;
  errors: number;
  /** Accepted events per second of wall time. */
  achievedRate: number;
  /** Requests per second of wall time. */
  requestRate: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  statuses: Record<string, number>;
  errorSamples: string[];
}

/** Builds the summary of a finished run. */
export function summarize(
  tally: Tally,
  run: Pick<RunSummary, "mode" | "targetRate" | "batch" | "concurrency"> & { elapsedMs: number },
): RunSummary {
  const seconds = Math.max(run.elapsedMs / 1000, 1e-9);
  const l = tally.latency;
  return {
    mode: run.mode,
    targetRate: run.targetRate,
    batch: run.batch,
    concurrency: run.concurrency,
    durationS: round(seconds, 3),
    requests: tally.requests,
    sent: tally.events,
    accepted: tally.accepted,
    rejected: tally.rejected,
    errors: tally.errors,
    achievedRate: round(tally.accepted / seconds, 1),
    requestRate: round(tally.requests / seconds, 1),
    latencyMs: {
      p50: round(l.quantile(0.5), 3),
      p90: round(l.quantile(0.9), 3),
      p99: round(l.quantile(0.99), 3),
      max: round(l.max, 3),
      mean: round(l.mean, 3),
    },
    statuses: { ...tally.statuses },
    errorSamples: [...tally.errorSamples],
  };
}

/** Rounds to `digits` decimals. */
export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
