/**
 * The supervisor's loopback endpoint: `/metrics` (restarts per service, scraped by the stack's
 * Prometheus as job `supervisor`), `/status` (every service's state and current pid, the same
 * JSON as the status file) and `/healthz`.
 * @module
 */
import { Hono } from "hono";
import type { Registry } from "../../shared/metrics.ts";
import { opsRoutes } from "../../shared/http/ops.ts";
import type { SupervisorStatus } from "./supervisor_status.ts";

/** The supervisor's HTTP app. */
export function supervisorApp(opts: { registry: Registry; status: () => SupervisorStatus }): Hono {
  const app = new Hono();
  app.get("/status", (c) => c.json(opts.status()));
  app.route("/", opsRoutes({ registry: opts.registry }));
  return app;
}
