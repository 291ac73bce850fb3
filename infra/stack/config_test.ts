import assert from "node:assert/strict";
import { loadStackConfig, scrapeTargets } from "./config.ts";

Deno.test("scrapeTargets() scrapes ingest on its loopback ops port, the others on their port", () => {
  const config = loadStackConfig({});
  assert.deepEqual(scrapeTargets(config.services), [
    { job: "ingest", port: 8090 },
    { job: "enrich", port: 8081 },
    { job: "sink", port: 8082 },
    { job: "admin", port: 8000 },
    { job: "alerts", port: 8083 },
    { job: "query", port: 8084 },
  ]);
  const moved = loadStackConfig({ INGEST_OPS_PORT: "18090" });
  assert.equal(scrapeTargets(moved.services)[0]?.port, 18090);
});

Deno.test("loadStackConfig() gives every local component and service its own port", () => {
  const c = loadStackConfig({});
  const ports = [
    c.kafka.port,
    c.kafka.port + 1, // the KRaft controller
    c.kafka.jmxPort,
    c.clickhouse.port,
    c.clickhouse.metricsPort,
    c.prometheus.port,
    c.alertmanager.port,
    c.exporters.postgres,
    c.exporters.redis,
    c.supervisor.port,
    ...c.services.flatMap((s) => [s.port, ...(s.opsPort === undefined ? [] : [s.opsPort])]),
  ];
  const taken = ports.filter((port, i) => ports.indexOf(port) !== i);
  assert.deepEqual(taken, [], "ports used twice");
});

Deno.test("loadStackConfig() puts the supervisor's status file in the stack directory", () => {
  const c = loadStackConfig({ EVENTFLOW_STACK_DIR: "/tmp/ef-stack", SUPERVISOR_PORT: "18089" });
  assert.deepEqual(c.supervisor, {
    port: 18089,
    statusFile: "/tmp/ef-stack/supervisor/status.json",
  });
});
