/**
 * enrich's Prometheus metrics (names fixed by the Grafana dashboards).
 */
import { type ConsumerLagGauge, consumerLagGauge } from "../shared/kafka/mod.ts";
import { Counter, Histogram, LATENCY_BUCKETS, type Registry } from "../shared/metrics.ts";

/** The metrics enrich updates. */
export interface EnrichMetrics {
  consumed: Counter<string>;
  produced: Counter<string>;
  deadLetter: Counter<"reason">;
  stepDuration: Histogram<"step">;
  stepErrors: Counter<"step">;
  cacheRequests: Counter<"cache" | "result">;
  consumerLag: ConsumerLagGauge;
  produceRetries: Counter<string>;
}

/** Registers enrich's metrics on `registry`. */
export function createEnrichMetrics(registry: Registry): EnrichMetrics {
  const registers = [registry];
  return {
    consumed: new Counter({
      name: "eventflow_enrich_consumed_total",
      help: "Messages read from the raw topic",
      registers,
    }),
    produced: new Counter({
      name: "eventflow_enrich_produced_total",
      help: "Enriched events written to the enriched topic",
      registers,
    }),
    deadLetter: new Counter({
      name: "eventflow_enrich_dead_letter_total",
      help: "Messages sent to the dead-letter topic, by reason",
      labelNames: ["reason"],
      registers,
    }),
    stepDuration: new Histogram({
      name: "eventflow_enrich_step_duration_seconds",
      help: "Time spent in each enrichment step",
      labelNames: ["step"],
      buckets: [0.00001, 0.00005, 0.0001, ...LATENCY_BUCKETS],
      registers,
    }),
    stepErrors: new Counter({
      name: "eventflow_enrich_step_errors_total",
      help: "Enrichment steps that degraded (recorded in enrichment_errors)",
      labelNames: ["step"],
      registers,
    }),
    cacheRequests: new Counter({
      name: "eventflow_enrich_cache_requests_total",
      help: "Cache lookups by cache layer and result (hit, miss, error)",
      labelNames: ["cache", "result"],
      registers,
    }),
    consumerLag: consumerLagGauge(registry),
    produceRetries: new Counter({
      name: "eventflow_enrich_produce_retries_total",
      help: "Produce calls retried after a Kafka error",
      registers,
    }),
  };
}
