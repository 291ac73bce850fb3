/**
 * Prometheus metrics: one registry per service, built in `main.ts` and passed down.
 *
 * Using a registry per service (instead of prom-client's global one) keeps tests independent and
 * lets several services run in one process during end-to-end tests.
 */
import { collectDefaultMetrics, Registry } from "prom-client";

export { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Creates a registry labelled with the service name, with process metrics when asked. */
export function createRegistry(service: string, opts: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (opts.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry, prefix: "eventflow_" });
  }
  return registry;
}

/** Latency buckets in seconds, from 0.5 ms to 10 s. */
export const LATENCY_BUCKETS = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];
