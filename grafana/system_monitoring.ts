/**
 * The "EventFlow · System monitoring" dashboard: ingest, enrich, sink, Kafka lag and processes,
 * on the metric names every service exports (see the brief's list and <service>/metrics.ts),
 * then the databases and the broker as their own exporters report them.
 * @module
 */
import { dashboard, prom, row, stat, timeseries } from "./_dashboard.ts";
import { databasePanels } from "./system_databases.ts";

const R = "$__rate_interval";

/** Rate of a counter summed by `by` (a comma-separated label list, or "" for one total). */
function rate(metric: string, by: string, selector = ""): string {
  return `sum${by ? ` by (${by})` : ""} (rate(${metric}${selector}[${R}]))`;
}

/** A quantile of a histogram, summed over everything but `by`. */
function quantile(q: number, metric: string, by = ""): string {
  const labels = by ? `le, ${by}` : "le";
  return `histogram_quantile(${q}, sum by (${labels}) (rate(${metric}_bucket[${R}])))`;
}

const SERVICES = `job=~"ingest|enrich|sink|admin|alerts"`;

/** Builds the system monitoring dashboard. */
export function systemMonitoring(): Record<string, unknown> {
  return dashboard("eventflow-system", "EventFlow · System monitoring", {
    description: "Pipeline health: throughput, errors, latency, lag and freshness per service.",
    tags: ["eventflow", "prometheus"],
    from: "now-1h",
    panels: [
      row("Overview"),
      stat("Events accepted /s", [
        prom(rate("eventflow_ingest_events_total", "", `{outcome="accepted"}`)),
      ], {
        unit: "ops",
        w: 5,
      }),
      stat("Events rejected /s", [
        prom(rate("eventflow_ingest_events_total", "", `{outcome!="accepted"}`)),
      ], {
        unit: "ops",
        w: 5,
      }),
      stat("Freshness p95", [prom(quantile(0.95, "eventflow_sink_event_freshness_seconds"))], {
        unit: "s",
        w: 5,
        description: "Time from ingest (received_at) until the row is written, all stores.",
      }),
      stat("Consumer lag", [prom("sum(eventflow_consumer_lag)")], { w: 5 }),
      stat("Services up", [prom(`sum(up{${SERVICES}})`)], { w: 4 }),

      row("Ingest"),
      timeseries("Requests by status", [
        prom(rate("eventflow_ingest_requests_total", "status"), "{{status}}"),
      ], {
        unit: "reqps",
        stack: true,
      }),
      timeseries("Events accepted vs rejected", [
        prom(rate("eventflow_ingest_events_total", "outcome"), "{{outcome}}"),
      ], { unit: "ops", stack: true }),
      timeseries("Validation failures by reason", [
        prom(rate("eventflow_ingest_validation_failures_total", "reason"), "{{reason}}"),
      ], { unit: "ops", stack: true }),
      timeseries("Request latency and Kafka ack latency", [
        prom(quantile(0.95, "eventflow_ingest_request_duration_seconds"), "request p95"),
        prom(quantile(0.99, "eventflow_ingest_request_duration_seconds"), "request p99"),
        prom(quantile(0.95, "eventflow_ingest_kafka_ack_duration_seconds"), "Kafka ack p95"),
        prom(quantile(0.99, "eventflow_ingest_kafka_ack_duration_seconds"), "Kafka ack p99"),
      ], { unit: "s" }),
      timeseries("In-flight requests", [
        prom("sum by (instance) (eventflow_ingest_inflight_requests)", "{{instance}}"),
      ]),
      timeseries("Producer errors and rate limiting", [
        prom(rate("eventflow_ingest_producer_errors_total", ""), "producer errors"),
        prom(rate("eventflow_ingest_rate_limited_total", "scope"), "rate limited ({{scope}})"),
      ], { unit: "ops" }),

      row("Enrich"),
      timeseries("Consumed, produced, dead-lettered", [
        prom(rate("eventflow_enrich_consumed_total", ""), "consumed"),
        prom(rate("eventflow_enrich_produced_total", ""), "produced"),
        prom(rate("eventflow_enrich_dead_letter_total", ""), "dead-lettered"),
      ], { unit: "ops" }),
      timeseries("Dead letters by reason", [
        prom(rate("eventflow_enrich_dead_letter_total", "reason"), "{{reason}}"),
      ], { unit: "ops", stack: true }),
      timeseries("Step latency p95", [
        prom(quantile(0.95, "eventflow_enrich_step_duration_seconds", "step"), "{{step}}"),
      ], { unit: "s" }),
      timeseries("Step errors", [
        prom(rate("eventflow_enrich_step_errors_total", "step"), "{{step}}"),
      ], {
        unit: "ops",
        description: "An enrichment that failed is recorded on the event (enrichment_errors).",
      }),
      timeseries("Cache hit ratio", [
        prom(
          `${rate("eventflow_enrich_cache_requests_total", "cache", `{result="hit"}`)}\n/ ${
            rate("eventflow_enrich_cache_requests_total", "cache")
          }`,
          "{{cache}}",
        ),
      ], { unit: "percentunit" }),

      row("Sink"),
      timeseries("Rows written per store", [
        prom(rate("eventflow_sink_rows_written_total", "store"), "{{store}}"),
      ], { unit: "rowsps" }),
      timeseries("Insert latency p95", [
        prom(quantile(0.95, "eventflow_sink_insert_duration_seconds", "store"), "{{store}}"),
      ], { unit: "s" }),
      timeseries("Batch size (mean)", [
        prom(
          `${rate("eventflow_sink_batch_size_sum", "store")}\n/ ${
            rate("eventflow_sink_batch_size_count", "store")
          }`,
          "{{store}}",
        ),
      ], { unit: "short" }),
      timeseries("Retries and dead letters", [
        prom(rate("eventflow_sink_retries_total", "store"), "retries {{store}}"),
        prom(rate("eventflow_sink_dead_letter_total", "store, reason"), "DLQ {{store}} {{reason}}"),
      ], { unit: "ops" }),
      timeseries("Store up", [prom("min by (store) (eventflow_sink_store_up)", "{{store}}")], {
        description: "1 when the last write to the store succeeded; 0 while sink is retrying it.",
      }),
      timeseries("End-to-end freshness p95", [
        prom(quantile(0.95, "eventflow_sink_event_freshness_seconds", "store"), "{{store}}"),
      ], { unit: "s", description: "now − received_at when the row is written." }),

      row("Kafka consumers"),
      timeseries("Consumer lag per group and partition", [
        prom(
          "sum by (group, topic, partition) (eventflow_consumer_lag)",
          "{{group}} {{topic}}/{{partition}}",
        ),
      ], { w: 16 }),
      timeseries("Consumer lag per group", [
        prom("sum by (group) (eventflow_consumer_lag)", "{{group}}"),
      ]),

      row("Processes"),
      timeseries("Up", [prom(`up{${SERVICES}}`, "{{job}} {{instance}}")]),
      timeseries("CPU", [prom(rate("eventflow_process_cpu_seconds_total", "job"), "{{job}}")], {
        unit: "percentunit",
      }),
      timeseries("Resident memory", [
        prom("sum by (job) (eventflow_process_resident_memory_bytes)", "{{job}}"),
      ], { unit: "bytes" }),

      ...databasePanels(),
    ],
  });
}
