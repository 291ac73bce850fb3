/** The query service's Prometheus metrics. */
import { Counter, Histogram, LATENCY_BUCKETS, type Registry } from "../shared/metrics.ts";

/** Metrics of the query service, registered on the service's registry. */
export function createQueryMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: "eventflow_query_requests_total",
      help: "HTTP requests by route and status.",
      labelNames: ["route", "status"],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: "eventflow_query_request_duration_seconds",
      help: "HTTP request duration by route.",
      labelNames: ["route"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    cache: new Counter({
      name: "eventflow_query_cache_total",
      help: "Answers by question and cache outcome (hit, miss).",
      labelNames: ["question", "outcome"],
      registers: [registry],
    }),
    cacheErrors: new Counter({
      name: "eventflow_query_cache_errors_total",
      help: "Redis operations that failed or timed out (answers then go uncached).",
      registers: [registry],
    }),
    clickhouseQueries: new Counter({
      name: "eventflow_query_clickhouse_queries_total",
      help: "Queries sent to ClickHouse.",
      registers: [registry],
    }),
    clickhouseErrors: new Counter({
      name: "eventflow_query_clickhouse_errors_total",
      help: "Questions that failed in ClickHouse, by code (timeout, memory, cancelled, other).",
      labelNames: ["code"],
      registers: [registry],
    }),
  };
}

/** The query service's metrics. */
export type QueryMetrics = ReturnType<typeof createQueryMetrics>;
