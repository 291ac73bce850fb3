import assert from "node:assert/strict";
import { parse } from "yaml";
import { composeGeneratedFiles } from "./generated.ts";
import { readCompose } from "../testing/compose.ts";

const root = new URL("../../", import.meta.url);

Deno.test("compose: the Alertmanager config and Kafka JMX rules are the local stack's", async () => {
  for (const [path, text] of Object.entries(composeGeneratedFiles())) {
    const onDisk = await Deno.readTextFile(new URL(path, root));
    assert(onDisk === text, `${path} is stale: run deno run -A infra/compose/generated.ts`);
  }
});

Deno.test("compose: Prometheus scrapes the exporters and the brokers, and alerts reach the alerts service", async () => {
  const compose = await readCompose();
  const prometheus = parse(
    await Deno.readTextFile(new URL("infra/prometheus/prometheus.yml", root)),
  ) as {
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };
  const jobs = Object.fromEntries(
    prometheus.scrape_configs.map((c) => [c.job_name, c.static_configs.flatMap((s) => s.targets)]),
  );
  assert.deepEqual(jobs.kafka, ["kafka-1:7071", "kafka-2:7071", "kafka-3:7071"]);
  assert.deepEqual(jobs.clickhouse, ["clickhouse:9363"]);
  assert.deepEqual(jobs.postgres, ["postgres-exporter:9187"]);
  assert.deepEqual(jobs.redis, ["redis-exporter:9121"]);
  assert.deepEqual(prometheus.alerting.alertmanagers[0]!.static_configs[0]!.targets, [
    "alertmanager:9093",
  ]);
  for (const name of ["alertmanager", "postgres-exporter", "redis-exporter", "jmx-agent"]) {
    assert(compose.services[name] !== undefined, `compose has no ${name} service`);
  }
  // The receiver token is one value in .env, given to both ends.
  assert.equal(
    compose.services.alertmanager?.environment?.ALERTMANAGER_TOKEN,
    compose.services.alerts?.environment?.ALERTMANAGER_TOKEN,
  );
  const am = parse(await Deno.readTextFile(new URL("infra/compose/alertmanager.yml", root)));
  assert.equal(am.receivers[0].webhook_configs[0].url, "http://alerts:8083/api/v1/alertmanager");
  // Every broker loads the agent with the rules file it mounts.
  for (const broker of ["kafka-1", "kafka-2", "kafka-3"]) {
    const service = compose.services[broker]!;
    const volumes = (service.volumes ?? []) as string[];
    assert(volumes.includes("jmx-agent:/opt/jmx:ro"), `${broker} mounts the agent`);
    assert(
      volumes.includes("./infra/compose/kafka-jmx.yml:/opt/jmx-rules/kafka-jmx.yml:ro"),
      `${broker} mounts the rules`,
    );
    assert.match(
      String(service.environment?.KAFKA_OPTS),
      /^-javaagent:\/opt\/jmx\/jmx_prometheus_javaagent-1\.0\.1\.jar=7071:\/opt\/jmx-rules\/kafka-jmx\.yml$/,
    );
  }
});
