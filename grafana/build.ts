/**
 * Writes the dashboards as JSON for Grafana's file provisioning:
 * `deno run -A grafana/build.ts` after editing grafana/system_monitoring.ts or
 * grafana/business_analytics.ts (dashboards_test.ts fails while the JSON is stale).
 * @module
 */
import { businessAnalytics } from "./business_analytics.ts";
import { systemMonitoring } from "./system_monitoring.ts";

/** Every provisioned dashboard by file name under grafana/dashboards/. */
export function dashboards(): Record<string, Record<string, unknown>> {
  return {
    "system-monitoring.json": systemMonitoring(),
    "business-analytics.json": businessAnalytics(),
  };
}

/** The file content of a dashboard: 2-space JSON with a final newline. */
export function render(dashboard: Record<string, unknown>): string {
  return JSON.stringify(dashboard, null, 2) + "\n";
}

if (import.meta.main) {
  const dir = new URL("./dashboards/", import.meta.url);
  for (const [file, dashboard] of Object.entries(dashboards())) {
    Deno.writeTextFileSync(new URL(file, dir), render(dashboard));
    console.log(`Wrote grafana/dashboards/${file}`);
  }
}
