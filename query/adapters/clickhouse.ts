/**
 * Runs the questions' SQL on ClickHouse with a time and memory limit per query, cancelled when
 * the caller's signal aborts (the HTTP client went away).
 */
import type { ClickHouseClient } from "../../shared/clickhouse/mod.ts";
import type { EngineTiming, Exec } from "../core/exec.ts";
import type { BuiltQuery } from "../core/sql.ts";

/** Options for {@link createExecutor}. */
export interface ExecutorOptions {
  /** ClickHouse `max_execution_time` in seconds. */
  maxExecutionSeconds: number;
  /** ClickHouse `max_memory_usage` in bytes. */
  maxMemoryBytes: number;
  /** Called once per query sent (metrics, and tests counting queries). */
  onQuery?: (query: BuiltQuery) => void;
}

/**
 * Builds executors bound to an abort signal: `executor(signal, timing)` is an {@link Exec} that
 * adds the engine's own execution time of each query (`elapsed_ns` of `X-ClickHouse-Summary`,
 * which clickhouse-server and the stand-in both send) to `timing`.
 */
export function createExecutor(
  ch: ClickHouseClient,
  opts: ExecutorOptions,
): (signal?: AbortSignal, timing?: EngineTiming) => Exec {
  return (signal, timing) => async <T>(query: BuiltQuery): Promise<T[]> => {
    signal?.throwIfAborted();
    opts.onQuery?.(query);
    const result = await ch.query({
      query: query.sql,
      query_params: query.params,
      format: "JSONEachRow",
      abort_signal: signal,
      clickhouse_settings: {
        max_execution_time: opts.maxExecutionSeconds,
        max_memory_usage: String(opts.maxMemoryBytes),
        // Big integers as numbers: counts stay far below 2^53.
        output_format_json_quote_64bit_integers: 0,
        output_format_json_quote_decimals: 0,
        // Copies of one event share its timestamp, hence its monthly partition: FINAL need not
        // merge across partitions, which lets ClickHouse process partitions independently.
        do_not_merge_across_partitions_select_final: 1,
      },
    });
    const rows = await result.json<T>();
    if (timing !== undefined) {
      timing.queries++;
      timing.ms += engineMs(result.response_headers["x-clickhouse-summary"]);
    }
    return rows;
  };
}

/** `elapsed_ns` of an `X-ClickHouse-Summary` header in ms; 0 when absent or unreadable. */
export function engineMs(summary: string | string[] | undefined): number {
  if (typeof summary !== "string") return 0;
  try {
    const ns = Number((JSON.parse(summary) as { elapsed_ns?: unknown }).elapsed_ns);
    return Number.isFinite(ns) ? ns / 1e6 : 0;
  } catch {
    return 0;
  }
}
