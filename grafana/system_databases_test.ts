/**
 * The system dashboard's database and broker row against the real exporters: Debian's PostgreSQL
 * and Redis exporters on the test stores, a Kafka broker with the JMX exporter agent, and the
 * ClickHouse stand-in's metrics endpoint on a real engine, all scraped by a real Prometheus.
 */
import assert from "node:assert/strict";
import type { Panel, PromTarget } from "./_dashboard.ts";
import { dashboards } from "./build.ts";
import { expandPromMacros } from "./_macros.ts";
import { databasePanelTitles } from "./system_databases.ts";
import { serviceRegistries, startPrometheus } from "./testing/prometheus.ts";
import { postgresExporterComponent, redisExporterComponent } from "../infra/exporters/component.ts";
import { loadStackConfig } from "../infra/stack/config.ts";
import { openChdbEngine } from "../infra/clickhouse/engine.ts";
import { metricsHandler } from "../infra/clickhouse/metrics.ts";
import { ensureJmxAgent, startKafka, stopKafka, waitKafkaReady } from "../infra/kafka/mod.ts";
import { TEST_ENV } from "../shared/testing/stores.ts";
import { freePort } from "../shared/process/mod.ts";

Deno.test("system dashboard: the database and broker row reads every exporter on a real Prometheus", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eventflow_test_dbrow_" });
  const config = loadStackConfig({
    DATABASE_URL: TEST_ENV.DATABASE_URL,
    REDIS_URL: TEST_ENV.REDIS_URL,
    EVENTFLOW_STACK_DIR: dir,
    POSTGRES_EXPORTER_PORT: String(freePort()),
    REDIS_EXPORTER_PORT: String(freePort()),
  });
  const exporters = [postgresExporterComponent(config), redisExporterComponent(config)];
  const engine = openChdbEngine(`${dir}/clickhouse`);
  // An engine that has stored something, so its insert counters exist.
  await engine.exclusive(async (r) => {
    await r.query("CREATE TABLE default.t (x UInt64) ENGINE = MergeTree ORDER BY x", "TSV");
    await r.query("INSERT INTO default.t SELECT number FROM numbers(1000)", "TSV");
  });
  const clickhouse = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    metricsHandler(engine),
  );
  const kafkaPort = freePort();
  const jmxPort = freePort();
  try {
    for (const exporter of exporters) await exporter.up();
    await startKafka({
      dataDir: `${dir}/kafka`,
      port: kafkaPort,
      controllerPort: freePort(),
      heap: "256m",
      partitions: 1,
      jmxExporter: { port: jmxPort, agentJar: await ensureJmxAgent() },
    });
    await waitKafkaReady(`127.0.0.1:${kafkaPort}`, 120_000);
    await using prometheus = await startPrometheus(await serviceRegistries(), {
      extraTargets: [
        { job: "postgres", port: config.exporters.postgres },
        { job: "redis", port: config.exporters.redis },
        { job: "clickhouse", port: clickhouse.addr.port },
        { job: "kafka", port: jmxPort },
      ],
    });

    const titles = new Set(databasePanelTitles());
    const panels = (dashboards()["system-monitoring.json"]!.panels as Panel[])
      .filter((p) => titles.has(p.title));
    assert.equal(panels.length, titles.size, "every panel of the row is on the dashboard");
    const problems: string[] = [];
    for (const panel of panels) {
      for (const target of (panel.targets ?? []) as PromTarget[]) {
        const expr = expandPromMacros(target.expr, { intervalS: 2, scrapeS: 1 });
        const data = await prometheus.query(expr).catch((e) => ({ result: [], error: e }));
        const finite = data.result.filter((s) => Number.isFinite(Number(s.value[1])));
        if (finite.length === 0) problems.push(`"${panel.title}" ${target.legendFormat}: ${expr}`);
      }
    }
    assert.deepEqual(problems, [], "panel queries without a finite series");

    const value = async (expr: string) =>
      Number((await prometheus.query(expr)).result[0]?.value[1] ?? NaN);
    assert.equal(await value('sum(up{job=~"postgres|redis|clickhouse|kafka"})'), 4);
    assert.equal(await value("pg_up"), 1);
    assert.equal(await value("redis_up"), 1);
    // A healthy single-node broker: nothing offline or under-replicated.
    assert.equal(await value("sum(kafka_server_replicamanager_underreplicatedpartitions)"), 0);
    assert.equal(await value("sum(kafka_controller_kafkacontroller_offlinepartitionscount)"), 0);
    assert.equal(await value("sum(kafka_controller_kafkacontroller_activecontrollercount)"), 1);
    const used = await value(
      "1 - sum(ClickHouseAsyncMetrics_FilesystemMainPathAvailableBytes)\n" +
        "/ sum(ClickHouseAsyncMetrics_FilesystemMainPathTotalBytes)",
    );
    assert.ok(used > 0 && used < 1, `ClickHouse disk used ${used}`);
    // The test database exists, so its size is reported.
    assert.ok(await value(`sum(pg_database_size_bytes{datname="eventflow_test"})`) > 0);
  } finally {
    await stopKafka(`${dir}/kafka`, { timeoutMs: 20_000 }).catch(() => {});
    for (const exporter of exporters) await exporter.down();
    await clickhouse.shutdown();
    await engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});
