/**
 * Consumer lag as the Prometheus gauge every consumer service exports (the Grafana dashboards are
 * built on its name and labels), sampled on a timer.
 */
import { errorMessage } from "../errors.ts";
import type { Logger } from "../log.ts";
import { Gauge, type Registry } from "../metrics.ts";
import type { Consumer } from "./consumer.ts";

/** The `eventflow_consumer_lag{group,topic,partition}` gauge. */
export type ConsumerLagGauge = Gauge<"group" | "topic" | "partition">;

/** Options for {@linkcode reportLag}. */
export interface ReportLagOptions {
  /** The consumer group, the `group` label. */
  group: string;
  /** How often lag is sampled, in ms (default 5000). */
  intervalMs?: number;
  /** Where a failed sample is logged, at debug: the next sample tries again. */
  logger: Logger;
}

/** Registers `eventflow_consumer_lag{group,topic,partition}` on `registry`. */
export function consumerLagGauge(registry: Registry): ConsumerLagGauge {
  return new Gauge({
    name: "eventflow_consumer_lag",
    help: "Messages behind the partition end, per consumer group",
    labelNames: ["group", "topic", "partition"],
    registers: [registry],
  });
}

/** Sets `gauge` from `consumer.lag()` every `intervalMs`; returns the function that stops it. */
export function reportLag(
  consumer: Pick<Consumer, "lag">,
  gauge: ConsumerLagGauge,
  opts: ReportLagOptions,
): () => void {
  const timer = setInterval(async () => {
    try {
      for (const { topic, partition, lag } of await consumer.lag()) {
        gauge.set({ group: opts.group, topic, partition: String(partition) }, lag);
      }
    } catch (error) {
      opts.logger.debug("Cannot read consumer lag", {
        group: opts.group,
        error: errorMessage(error),
      });
    }
  }, opts.intervalMs ?? 5000);
  return () => clearInterval(timer);
}
