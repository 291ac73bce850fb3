/**
 * The operational endpoints every service exposes: `/healthz`, `/readyz` and `/metrics`, and the
 * status-only variant a public port serves (no metrics, no dependency names or error text).
 */
import { Hono } from "hono";
import { Gauge, type Registry } from "prom-client";
import { errorMessage } from "../errors.ts";
import { withTimeout } from "../time.ts";

/** A named dependency check for `/readyz`; resolves when the dependency is reachable. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
  /**
   * The service still works without it, degraded: a failure makes `/readyz` say "degraded" but
   * stay 200 (default false: a failure makes it 503).
   */
  optional?: boolean;
}

/** Options for {@link opsRoutes}. */
export interface OpsOptions {
  registry: Registry;
  /** Dependencies `/readyz` checks; each must answer unless `optional` (default: none). */
  checks?: ReadinessCheck[];
  /** Per-check timeout in milliseconds (default 2000). */
  checkTimeoutMs?: number;
  /** Returns false while the service is draining, so `/readyz` answers 503 (default: never). */
  isDraining?: () => boolean;
}

/** Runs every readiness check with a timeout; returns each dependency's state. */
export async function runChecks(
  checks: ReadinessCheck[],
  timeoutMs: number,
): Promise<Record<string, { ok: boolean; error?: string }>> {
  const results = await Promise.all(checks.map(async ({ name, check }) => {
    try {
      await withTimeout(check(), timeoutMs, { what: `Check "${name}"` });
      return [name, { ok: true }] as const;
    } catch (error) {
      return [name, { ok: false, error: errorMessage(error) }] as const;
    }
  }));
  return Object.fromEntries(results);
}

/** A Hono sub-app serving `/healthz`, `/readyz` and `/metrics`. */
export function opsRoutes(opts: OpsOptions): Hono {
  const app = new Hono();
  const checks = opts.checks ?? [];
  const timeoutMs = opts.checkTimeoutMs ?? 2000;
  registerDependencyGauge(opts.registry, checks, timeoutMs);
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    if (opts.isDraining?.()) return c.json({ status: "draining", checks: {} }, 503);
    const results = await runChecks(checks, timeoutMs);
    const ready = checks.every(({ name, optional }) => optional || results[name]?.ok);
    const degraded = Object.values(results).some((result) => !result.ok);
    const status = ready ? (degraded ? "degraded" : "ready") : "not ready";
    return c.json({ status, checks: results }, ready ? 200 : 503);
  });
  app.get("/metrics", async (c) => {
    const body = await opts.registry.metrics();
    return c.body(body, 200, { "content-type": opts.registry.contentType });
  });
  return app;
}

/** Options for {@link statusRoutes}. */
export type StatusOptions = Omit<OpsOptions, "registry">;

/**
 * A Hono sub-app for a public port: `/healthz` and `/readyz` answer only `{"status"}` (the
 * readiness checks still decide 200 or 503), and there is no `/metrics`. Dependency names, error
 * text and per-source metrics stay on the ops port ({@link opsRoutes}).
 */
export function statusRoutes(opts: StatusOptions): Hono {
  const app = new Hono();
  const checks = opts.checks ?? [];
  const timeoutMs = opts.checkTimeoutMs ?? 2000;
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    if (opts.isDraining?.()) return c.json({ status: "draining" }, 503);
    const results = await runChecks(checks, timeoutMs);
    const ready = Object.values(results).every((result) => result.ok);
    return c.json({ status: ready ? "ready" : "not ready" }, ready ? 200 : 503);
  });
  return app;
}

// `eventflow_dependency_up{dependency}`: 1 while a dependency answers the service's readiness
// check, 0 while it does not. Measured at scrape time, so it costs nothing between scrapes.
const DEPENDENCY_GAUGE = "eventflow_dependency_up";

/**
 * Registers the gauge on `registry`, running `checks` (each bounded by `timeoutMs`) on every
 * scrape. Registering twice on one registry keeps the first; no checks register nothing.
 */
export function registerDependencyGauge(
  registry: Registry,
  checks: ReadinessCheck[],
  timeoutMs: number,
): void {
  if (checks.length === 0 || registry.getSingleMetric(DEPENDENCY_GAUGE) !== undefined) return;
  new Gauge({
    name: DEPENDENCY_GAUGE,
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
