/** The ingest service's Prometheus metrics (names are used by the Grafana dashboards). */
import { Counter, Gauge, Histogram, LATENCY_BUCKETS, type Registry } from "../shared/metrics.ts";

/** Every ingest metric, registered on one registry. */
export interface IngestMetrics {
  requests: Counter<"route" | "status">;
  events: Counter<"source" | "outcome">;
  validationFailures: Counter<"reason">;
  requestDuration: Histogram<"route">;
  kafkaAckDuration: Histogram;
  inflight: Gauge;
  producerErrors: Counter;
  rateLimited: Counter<"scope">;
  rateLimiterErrors: Counter;
  overloaded: Counter<"reason">;
}

/** Creates the ingest metrics on `registry`. */
export function createIngestMetrics(registry: Registry): IngestMetrics {
  const registers = [registry];
  return {
    requests: new Counter({
      name: "eventflow_ingest_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["route", "status"],
      registers,
    }),
    events: new Counter({
      name: "eventflow_ingest_events_total",
      help: "Events by source and outcome (accepted, rejected, failed)",
      labelNames: ["source", "outcome"],
      registers,
    }),
    validationFailures: new Counter({
      name: "eventflow_ingest_validation_failures_total",
      help: "Rejected requests and events by reason code",
      labelNames: ["reason"],
      registers,
    }),
    requestDuration: new Histogram({
      name: "eventflow_ingest_request_duration_seconds",
      help: "Request duration by route",
      labelNames: ["route"],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    kafkaAckDuration: new Histogram({
      name: "eventflow_ingest_kafka_ack_duration_seconds",
      help: "Time from send to Kafka acknowledgement (acks=all)",
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    inflight: new Gauge({
      name: "eventflow_ingest_inflight_requests",
      help: "Requests being processed",
      registers,
    }),
    producerErrors: new Counter({
      name: "eventflow_ingest_producer_errors_total",
      help: "Kafka writes that failed or timed out (answered 503)",
      registers,
    }),
    rateLimited: new Counter({
      name: "eventflow_ingest_rate_limited_total",
      help: "Requests answered 429, by limit scope (ip, write_key, write_key_ip)",
      labelNames: ["scope"],
      registers,
    }),
    rateLimiterErrors: new Counter({
      name: "eventflow_ingest_rate_limiter_errors_total",
      help: "Rate-limit syncs with Redis that failed (limits then count this instance only)",
      registers,
    }),
    overloaded: new Counter({
      name: "eventflow_ingest_overloaded_total",
      help: "Requests answered 503 at once because ingest was full (queue, in-flight cap)",
      labelNames: ["reason"],
      registers,
    }),
  };
}
