/**
 * Batched inserts into ClickHouse `events`: one JSONEachRow insert per batch, carrying a
 * deduplication token so a retried insert of the same Kafka messages is dropped by the table.
 */
import type { ClickHouseClient } from "../../shared/clickhouse/mod.ts";
import type { EventRow } from "../core/clickhouse_row.ts";

/** Writes rows of the events table. */
export interface ClickHouseWriter {
  /** Inserts `rows` as one block; `token` identifies its Kafka messages. */
  insert(rows: readonly EventRow[], token: string): Promise<void>;
  /** Resolves when the server answers. */
  ping(): Promise<void>;
}

/** Options for {@link createClickHouseWriter}. */
export interface ClickHouseWriterOptions {
  /** Table name in the client's database (default `events`). */
  table?: string;
}

/** Creates the writer over a client built by `main.ts`. */
export function createClickHouseWriter(
  client: ClickHouseClient,
  opts: ClickHouseWriterOptions = {},
): ClickHouseWriter {
  const table = opts.table ?? "events";
  return {
    async insert(rows, token) {
      if (rows.length === 0) return;
      await client.insert({
        table,
        values: rows as EventRow[],
        format: "JSONEachRow",
        clickhouse_settings: {
          insert_deduplicate: 1,
          insert_deduplication_token: token,
          // Without it a block dropped as a duplicate would still feed the rollup views again.
          deduplicate_blocks_in_dependent_materialized_views: 1,
          // One block per insert, so the token covers the batch exactly.
          max_insert_block_size: "10000000",
          date_time_input_format: "basic",
        },
      });
    },
    async ping() {
      const result = await client.ping();
      if (!result.success) throw result.error;
    },
  };
}
