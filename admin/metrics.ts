/** The admin console's Prometheus metrics, registered on the registry `main.ts` builds. */
import { Counter, Histogram, LATENCY_BUCKETS, type Registry } from "../shared/metrics.ts";

/** The console's request metrics. */
export interface AdminMetrics {
  requests: Counter<"route" | "status">;
  duration: Histogram<"route">;
}

/** Registers the console's metrics on `registry`. */
export function createAdminMetrics(registry: Registry): AdminMetrics {
  return {
    requests: new Counter({
      name: "eventflow_admin_requests_total",
      help: "Admin console HTTP requests by route pattern and status",
      labelNames: ["route", "status"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "eventflow_admin_request_duration_seconds",
      help: "Admin console request duration by route pattern",
      labelNames: ["route"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  };
}
