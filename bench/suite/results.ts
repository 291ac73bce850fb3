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

/** The stand-in's insert beside chdb in-process, same rows (bench/clickhouse/insert.ts). */
export interface StandInFigures {
  standInRowsPerSec: number;
  baselineRowsPerSec: number;
  rows: number;
  /** CPU µs per row: the stand-in process, and chdb in the bench process. */
  standInCpuUsPerRow: number;
  baselineCpuUsPerRow: number;
}

/** Single-event ingest (wrk) while ingest, enrich, sink and alerts all run with limits on. */
export interface LoadedSingle {
  ingest: WrkResult;
  connections: number;
  durationS: number;
  /** Seconds after wrk stopped until ClickHouse held every accepted event; null: not within 60 s. */
  drainS: number | null;
}

/** One open-loop step of the max-sustained-rate search. */
export interface SustainStep {
  rate: number;
  durationS: number;
  accepted: number;
  /** Events written to ClickHouse / PostgreSQL rows by the end of the drain window. */
  storedClickhouse: number;
  freshnessP95S: number | null;
  /** Largest consumer lag of any group sampled during the step, in messages. */
  maxLag: number;
  /** Seconds after the load stopped until ClickHouse held every accepted event. */
  drainS: number | null;
  sustained: boolean;
  /** Why not, when not. */
  reason: string | null;
}

/** Everything one suite run measured. */
export interface BenchResults {
  generatedAt: string;
  commit: string;
  command: string;
  durationS: number;
  /** Conditions worth stating beside the figures (`--note`, e.g. "loaded machine"). */
  note: string | null;
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
  standIn: StandInFigures | null;
  /** Single-event ingest with the whole pipeline running (bare baseline: `ingestSingle.bare`). */
  loadedSingle: LoadedSingle | null;
  /** The max-sustained-rate search, in the order run; the headline is the best sustained step. */
  sustain: { steps: SustainStep[]; maxSustainedRate: number | null } | null;
  /** CPU seconds per 1,000 events, per service, under the freshness run's load. */
  cpuPer1000: Record<string, number> | null;
  /** Phases that failed, with the reason. */
  errors: Record<string, string>;
}
