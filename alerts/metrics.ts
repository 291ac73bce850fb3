/**
 * alerts' Prometheus metrics (names fixed by the Grafana dashboards).
 */
import { type ConsumerLagGauge, consumerLagGauge } from "../shared/kafka/mod.ts";
import { Counter, Histogram, LATENCY_BUCKETS, type Registry } from "../shared/metrics.ts";

/** The metrics alerts updates. */
export interface AlertsMetrics {
  consumed: Counter<string>;
  matched: Counter<"rule">;
  throttled: Counter<"rule">;
  /** outcome: delivered, duplicate, rejected, exhausted. */
  delivered: Counter<"destination" | "outcome">;
  deliveryDuration: Histogram<"destination">;
  retries: Counter<"destination">;
  deadLetter: Counter<"reason">;
  ledgerErrors: Counter<string>;
  consumerLag: ConsumerLagGauge;
}

/** Registers alerts' metrics on `registry`. */
export function createAlertsMetrics(registry: Registry): AlertsMetrics {
  const registers = [registry];
  return {
    consumed: new Counter({
      name: "eventflow_alerts_consumed_total",
      help: "Messages read from the enriched topic",
      registers,
    }),
    matched: new Counter({
      name: "eventflow_alerts_matched_total",
      help: "Events that triggered a rule, by rule",
      labelNames: ["rule"],
      registers,
    }),
    throttled: new Counter({
      name: "eventflow_alerts_throttled_total",
      help: "Matches suppressed by the rule's throttle window, by rule",
      labelNames: ["rule"],
      registers,
    }),
    delivered: new Counter({
      name: "eventflow_alerts_delivered_total",
      help:
        "Alert deliveries by destination and outcome (delivered, duplicate, rejected, exhausted)",
      labelNames: ["destination", "outcome"],
      registers,
    }),
    deliveryDuration: new Histogram({
      name: "eventflow_alerts_delivery_duration_seconds",
      help: "Time to deliver one alert to one destination, retries included",
      labelNames: ["destination"],
      buckets: [...LATENCY_BUCKETS, 30, 60, 120],
      registers,
    }),
    retries: new Counter({
      name: "eventflow_alerts_delivery_retries_total",
      help: "Delivery attempts retried after a network error, 429 or 5xx",
      labelNames: ["destination"],
      registers,
    }),
    deadLetter: new Counter({
      name: "eventflow_alerts_dead_letter_total",
      help: "Messages and alerts sent to the dead-letter topic, by reason",
      labelNames: ["reason"],
      registers,
    }),
    ledgerErrors: new Counter({
      name: "eventflow_alerts_ledger_errors_total",
      help: "Redis idempotency/throttle checks that failed; the alert was sent anyway",
      registers,
    }),
    consumerLag: consumerLagGauge(registry),
  };
}
