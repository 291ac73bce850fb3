/** The shape of `bench/results/latest.json`. Each phase is null when it could not be measured. */
import type { WrkResult } from "./wrk.ts";

/** Where the figures were measured. */
export interface Machine {
  nproc: number;
  memoryGiB: number;
  cpuModel: string;
  kernel: string;
  /** 1-minute load average when the run started: above nproc, other work competed for the CPUs. */
  loadAverage1m: number;
  versions: Record<string, string>;
}

/** One store's sink throughput beside its direct-load baseline. */
export interface StoreFigures {
  sinkRowsPerSec: number;
  baselineRowsPerSec: number;
  /** How the baseline loaded rows (e.g. "JSONEachRow INSERT, 10,000-row batches"). */
  baseline: string;
  rows: number;
}

/** Everything one suite run measured. */
export interface BenchResults {
  generatedAt: string;
  commit: string;
  command: string;
  durationS: number;
  machine: Machine;
  ingestSingle:
    | { ingest: WrkResult; bare: WrkResult; connections: number; durationS: number }
    | null;
  ingestBatch: {
    eventsPerSec: number;
    batch: number;
    avgEventBytes: number;
    kafka: {
      recordsPerSec: number;
      mbPerSec: number;
      avgLatencyMs: number;
      p99LatencyMs: number;
      records: number;
    };
  } | null;
  sink: { clickhouse: StoreFigures | null; postgres: StoreFigures | null } | null;
  freshness: {
    rateEventsPerSec: number;
    maxRateEventsPerSec: number;
    durationS: number;
    events: number;
    store: string;
    p50S: number | null;
    p95S: number | null;
    p99S: number | null;
  } | null;
  /** CPU seconds per 1,000 events, per service, under the freshness run's load. */
  cpuPer1000: Record<string, number> | null;
  /** Phases that failed, with the reason. */
  errors: Record<string, string>;
}
