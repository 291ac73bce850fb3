/**
 * Runs the questions' SQL on ClickHouse with a time and memory limit per query, cancelled when
 * the caller's signal aborts (the HTTP client went away).
 */
import type { ClickHouseClient } from "../../shared/clickhouse/mod.ts";
import type { Exec } from "../core/exec.ts";
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

/** Builds executors bound to an abort signal: `executor(signal)` is an {@link Exec}. */
export function createExecutor(
  ch: ClickHouseClient,
  opts: ExecutorOptions,
): (signal?: AbortSignal) => Exec {
  return (signal) => async <T>(query: BuiltQuery): Promise<T[]> => {
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
    return await result.json<T>();
  };
}
