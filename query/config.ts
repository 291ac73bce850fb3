/** The query service's environment, parsed once by `main.ts` (see docs/query.md). */
import { z } from "zod";
import { infraEnv, nonNegativeInt, parseConfig, port, positiveInt } from "../shared/config.ts";

/** Zod schema over the query service's environment. */
export const QueryConfigSchema = z.object({
  ...infraEnv,
  PORT: port(8084),
  /** Ms to keep serving, `/readyz` already 503, after SIGTERM. */
  SHUTDOWN_DELAY_MS: nonNegativeInt(0),
  /** ClickHouse `max_execution_time` of each query, in seconds. */
  QUERY_MAX_EXECUTION_SECONDS: positiveInt(20),
  /** ClickHouse `max_memory_usage` of each query, in bytes (default 2 GiB). */
  QUERY_MAX_MEMORY_BYTES: positiveInt(2 * 1024 ** 3),
  /** Longest time range one request may ask for, in days. */
  QUERY_MAX_RANGE_DAYS: positiveInt(400),
  /** Cache TTL of an answer whose range ended before today began (settled data), seconds. */
  QUERY_CACHE_TTL_CLOSED_SECONDS: positiveInt(3600),
  /** Cache TTL of an answer whose range reaches into the last hour or today, seconds. */
  QUERY_CACHE_TTL_OPEN_SECONDS: positiveInt(30),
  /** How long a request waits for another instance computing the same answer, ms. */
  QUERY_CACHE_LOCK_WAIT_MS: positiveInt(30_000),
  QUERY_CACHE_PREFIX: z.string().min(1).default("ef:query:"),
  /** The currency revenue_base is in (enrich converts every amount to it). */
  QUERY_BASE_CURRENCY: z.string().regex(/^[A-Z]{3}$/).default("USD"),
});

/** The resolved query service configuration. */
export type QueryConfig = z.output<typeof QueryConfigSchema>;

/** Parses the environment, listing every invalid variable at once. */
export function loadConfig(env: Record<string, string | undefined>): QueryConfig {
  return parseConfig(QueryConfigSchema, env);
}
