/** The sink's Prometheus metrics (names fixed by the Grafana dashboards). */
import { type ConsumerLagGauge, consumerLagGauge } from "../shared/kafka/mod.ts";
import { Counter, Gauge, Histogram, LATENCY_BUCKETS, type Registry } from "../shared/metrics.ts";

/** Metrics shared by both store lanes, labelled by `store`. */
export interface SinkMetrics {
  rowsWritten: Counter<"store">;
  batchSize: Histogram<"store">;
  insertDuration: Histogram<"store">;
  retries: Counter<"store">;
  storeUp: Gauge<"store">;
  deadLetters: Counter<"store" | "reason">;
  /** Events a store deliberately does not take (e.g. a public source's purchase in PostgreSQL). */
  skipped: Counter<"store" | "reason">;
  freshness: Histogram<"store">;
  cacheInvalidations: Counter<"result">;
  consumerLag: ConsumerLagGauge;
}

/** Registers the sink metrics on `registry`. */
export function createSinkMetrics(registry: Registry): SinkMetrics {
  const registers = [registry];
  return {
    rowsWritten: new Counter({
      name: "eventflow_sink_rows_written_total",
      help: "Rows written to a store (ClickHouse events; PostgreSQL rows of all tables)",
      labelNames: ["store"],
      registers,
    }),
    batchSize: new Histogram({
      name: "eventflow_sink_batch_size",
      help: "Events per store write",
      labelNames: ["store"],
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000],
      registers,
    }),
    insertDuration: new Histogram({
      name: "eventflow_sink_insert_duration_seconds",
      help: "Duration of one successful store write",
      labelNames: ["store"],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    retries: new Counter({
      name: "eventflow_sink_retries_total",
      help: "Store writes retried after an outage error",
      labelNames: ["store"],
      registers,
    }),
    storeUp: new Gauge({
      name: "eventflow_sink_store_up",
      help: "1 while the last write to the store succeeded, 0 while it is retrying",
      labelNames: ["store"],
      registers,
    }),
    deadLetters: new Counter({
      name: "eventflow_sink_dead_letter_total",
      help: "Events sent to the dead-letter topic, by store and reason",
      labelNames: ["store", "reason"],
      registers,
    }),
    skipped: new Counter({
      name: "eventflow_sink_skipped_total",
      help: "Events a store does not take by design (reason PUBLIC_ORDER_EVENT: a purchase or " +
        "refund from a public write key kept out of PostgreSQL), by store and reason",
      labelNames: ["store", "reason"],
      registers,
    }),
    freshness: new Histogram({
      name: "eventflow_sink_event_freshness_seconds",
      help: "now - received_at when the event's row was written",
      labelNames: ["store"],
      // Fine around the 2 s freshness target so its p95 is not interpolated across 2–5 s.
      buckets: [
        0.05,
        0.1,
        0.25,
        0.5,
        0.75,
        1,
        1.25,
        1.5,
        1.75,
        2,
        2.5,
        3,
        4,
        5,
        10,
        30,
        60,
        300,
        900,
        3600,
      ],
      registers,
    }),
    cacheInvalidations: new Counter({
      name: "eventflow_sink_cache_invalidations_total",
      help: "Redis invalidations of enrich's user cache after PostgreSQL writes, by result",
      labelNames: ["result"],
      registers,
    }),
    consumerLag: consumerLagGauge(registry),
  };
}
