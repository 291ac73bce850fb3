import assert from "node:assert/strict";
import { parse } from "yaml";
import { localPrometheusConfig } from "./local.ts";

Deno.test("localPrometheusConfig() scrapes each service's /metrics every 5 s in its own job", () => {
  const text = localPrometheusConfig([{ job: "ingest", port: 8080 }, { job: "sink", port: 8082 }]);
  const config = parse(text);
  assert.deepEqual(config.global, {
    scrape_interval: "5s",
    evaluation_interval: "5s",
    scrape_timeout: "4s",
  });
  assert.deepEqual(config.scrape_configs, [
    {
      job_name: "ingest",
      metrics_path: "/metrics",
      static_configs: [{ targets: ["127.0.0.1:8080"], labels: { service: "ingest" } }],
    },
    {
      job_name: "sink",
      metrics_path: "/metrics",
      static_configs: [{ targets: ["127.0.0.1:8082"], labels: { service: "sink" } }],
    },
  ]);
});

Deno.test("localPrometheusConfig() honours the interval and host options", () => {
  const config = parse(
    localPrometheusConfig([{ job: "admin", port: 8000 }], { intervalSeconds: 15, host: "::1" }),
  );
  assert.equal(config.global.scrape_interval, "15s");
  assert.deepEqual(config.scrape_configs[0].static_configs[0].targets, ["[::1]:8000"]);
});

Deno.test("localPrometheusConfig() rejects invalid and duplicate job names", () => {
  assert.throws(
    () => localPrometheusConfig([{ job: "bad-name", port: 1 }]),
    /Invalid Prometheus job name "bad-name"/,
  );
  assert.throws(
    () => localPrometheusConfig([{ job: "a", port: 1 }, { job: "a", port: 2 }]),
    /Duplicate Prometheus job "a"/,
  );
});

Deno.test("localPrometheusConfig() loads rule files and sends alerts to Alertmanager", () => {
  const config = parse(
    localPrometheusConfig([{ job: "sink", port: 8082 }], {
      ruleFiles: ["/repo/infra/prometheus/alerts.yml"],
      alertmanagers: ["127.0.0.1:9093"],
    }),
  );
  assert.deepEqual(config.rule_files, ["/repo/infra/prometheus/alerts.yml"]);
  assert.deepEqual(config.alerting, {
    alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:9093"] }] }],
  });
  assert.equal(localPrometheusConfig([]).includes("rule_files"), false);
});

Deno.test("localPrometheusConfig() keeps the scraped service label of an honorLabels target", () => {
  const config = parse(
    localPrometheusConfig([{ job: "sink", port: 8082 }, {
      job: "supervisor",
      port: 8089,
      honorLabels: true,
    }]),
  );
  assert.equal(config.scrape_configs[0].honor_labels, undefined);
  assert.equal(config.scrape_configs[1].honor_labels, true);
  assert.deepEqual(config.scrape_configs[1].static_configs[0].targets, ["127.0.0.1:8089"]);
});
