/** Stack component: Prometheus from Debian, scraping every service's and exporter's /metrics. */
import { localPrometheusConfig } from "./local.ts";
import type { Component } from "../stack/component.ts";
import { scrapeTargets, type StackConfig } from "../stack/config.ts";
import { daemonComponent } from "../stack/daemon.ts";

/** Prometheus as a stack component; the config is regenerated on every `up`. */
export function prometheusComponent(config: StackConfig): Component {
  const dir = `${config.dir}/prometheus`;
  const configFile = `${dir}/prometheus.yml`;
  const { port, url } = config.prometheus;
  return daemonComponent({
    name: "prometheus",
    dir,
    bin: "/usr/bin/prometheus",
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-lifecycle",
      "--storage.tsdb.retention.time=7d",
    ],
    port,
    readyPath: "/-/ready",
    stopTimeoutMs: 15_000,
    prepare: () =>
      Deno.writeTextFile(
        configFile,
        localPrometheusConfig([
          ...scrapeTargets(config.services),
          { job: "clickhouse", port: config.clickhouse.metricsPort },
          { job: "kafka", port: config.kafka.jmxPort },
          { job: "postgres", port: config.exporters.postgres },
          { job: "redis", port: config.exporters.redis },
          { job: "alertmanager", port: config.alertmanager.port },
          // Up only while `deno task start` runs; its `service` label names the restarted service.
          { job: "supervisor", port: config.supervisor.port, honorLabels: true },
        ], {
          ruleFiles: [`${config.repoRoot}/infra/prometheus/alerts.yml`],
          alertmanagers: [`127.0.0.1:${config.alertmanager.port}`],
        }),
      ),
    // Ours and running: pick up a changed service port without a restart.
    onRunning: async () => {
      await fetch(`${url}/-/reload`, { method: "POST", signal: AbortSignal.timeout(5_000) })
        .then((r) => r.body?.cancel(), () => {});
    },
  });
}
