/**
 * `eventflow_dependency_up{dependency}`: 1 while a service's dependency answers its readiness
 * check, 0 while it does not. Measured at scrape time, so the gauge is as fresh as the scrape and
 * costs nothing between scrapes.
 */
import { Gauge, type Registry } from "prom-client";
import { type ReadinessCheck, runChecks } from "./ops.ts";

const NAME = "eventflow_dependency_up";

/**
 * Registers the gauge on `registry`, running `checks` (each bounded by `timeoutMs`) on every
 * scrape. Registering twice on one registry keeps the first; no checks register nothing.
 */
export function registerDependencyGauge(
  registry: Registry,
  checks: ReadinessCheck[],
  timeoutMs: number,
): void {
  if (checks.length === 0 || registry.getSingleMetric(NAME) !== undefined) return;
  new Gauge({
    name: NAME,
    help: "1 while the dependency answers this service's readiness check, 0 while it does not",
    labelNames: ["dependency"],
    registers: [registry],
    async collect() {
      const results = await runChecks(checks, timeoutMs);
      for (const [dependency, result] of Object.entries(results)) {
        this.set({ dependency }, result.ok ? 1 : 0);
      }
    },
  });
}
