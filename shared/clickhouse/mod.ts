/**
 * The ClickHouse adapter: @clickhouse/client, the same against clickhouse-server (compose) and
 * the chdb-backed stand-in of the local stack.
 */
import { type ClickHouseClient, createClient } from "@clickhouse/client";

export type { ClickHouseClient } from "@clickhouse/client";

/** Options for {@link createClickHouse}. */
export interface ClickHouseOptions {
  url: string;
  database: string;
  /** User (default "default"): services pass CLICKHOUSE_USER. */
  username?: string;
  /** Password (default empty): services pass CLICKHOUSE_PASSWORD. */
  password?: string;
  /** Gzip request bodies (default true: inserts are large and compress well). */
  compressRequests?: boolean;
  /** Per-request timeout in milliseconds (default 30000). */
  requestTimeoutMs?: number;
}

/** Creates a ClickHouse client for one database. */
export function createClickHouse(opts: ClickHouseOptions): ClickHouseClient {
  return createClient({
    url: opts.url,
    database: opts.database,
    username: opts.username ?? "default",
    password: opts.password ?? "",
    request_timeout: opts.requestTimeoutMs ?? 30_000,
    compression: { request: opts.compressRequests ?? true, response: false },
    clickhouse_settings: { date_time_input_format: "best_effort" },
  });
}
