import assert from "node:assert/strict";
/**
 * compose.yaml cannot run here (no Docker engine), so it is checked by parsing: everything it
 * references exists, and it agrees with the services' env schemas, ports and Kafka settings.
 */
import {
  type ComposeService,
  containerPorts,
  envNamesRead,
  exists,
  hostPorts,
  readCompose,
  readYaml,
  ROOT,
  scripts,
  sharedDefaults,
} from "../testing/compose.ts";

const compose = readCompose();
const services = Object.entries(compose.services);
const DOCKERFILE = "infra/compose/Dockerfile";
/** Services built from the EventFlow image, by name. */
const deno = services.filter(([, s]) => s.build?.dockerfile === DOCKERFILE);
const kafka = services.filter(([name]) => /^kafka-\d+$/.test(name));
const oneShot = (s: ComposeService) => s.restart === "no";

/** The documented default ports (README, shared/config.ts callers, brief). */
const DEFAULT_PORTS: Record<string, number> = {
  ingest: 8080,
  enrich: 8081,
  sink: 8082,
  admin: 8000,
  alerts: 8083,
  query: 8084,
  "kafka-1": 9092,
  clickhouse: 8123,
  postgres: 5432,
  redis: 6379,
  prometheus: 9090,
  grafana: 3000,
};

Deno.test("compose: every file it references exists in the repository", () => {
  const missing: string[] = [];
  const need = (path: string, why: string) => {
    if (!exists(path)) missing.push(`${path} (${why})`);
  };
  for (const [name, s] of services) {
    if (s.build) {
      need(s.build.context, `${name} build context`);
      need(`${s.build.context}/${s.build.dockerfile ?? "Dockerfile"}`, `${name} Dockerfile`);
    }
    for (const volume of s.volumes ?? []) {
      const source = volume.split(":")[0]!;
      if (source.startsWith("./")) need(source.slice(2), `${name} bind mount`);
    }
    if (s.build) {
      for (const script of scripts(s.command)) need(script, `${name} command`);
      for (const script of scripts(s.healthcheck?.test)) need(script, `${name} healthcheck`);
    }
  }
  need("grafana/provisioning/datasources", "Grafana datasource provisioning");
  need("grafana/provisioning/dashboards", "Grafana dashboard provisioning");
  assert.deepEqual(missing, [], "compose.yaml references missing files");
});

Deno.test("compose: the image pre-caches exactly the entry points compose runs", () => {
  const dockerfile = Deno.readTextFileSync(ROOT + DOCKERFILE);
  const loop = dockerfile.match(/for entry in ([^;]+);/)?.[1] ?? "";
  const cached = new Set(scripts(loop.replace(/\\\n/g, " ").trim().split(/\s+/)));
  const run = new Set(
    deno.flatMap(([, s]) => [...scripts(s.command), ...scripts(s.healthcheck?.test)]),
  );
  assert.deepEqual(
    [...run].filter((entry) => !cached.has(entry)),
    [],
    "not cached in the Dockerfile",
  );
  assert.deepEqual([...cached].filter((entry) => !run.has(entry)), [], "cached but never run");
});

Deno.test("compose: host ports are unique and the documented defaults", () => {
  const seen = new Map<number, string>();
  for (const [name, s] of services) {
    for (const port of hostPorts(s)) {
      assert(!seen.has(port), `Port ${port} is published by both ${seen.get(port)} and ${name}`);
      seen.set(port, name);
      for (const spec of s.ports ?? []) {
        assert(spec.startsWith("127.0.0.1:"), `${name} publishes ${spec} beyond localhost`);
      }
    }
  }
  for (const [name, port] of Object.entries(DEFAULT_PORTS)) {
    assert.deepEqual(hostPorts(compose.services[name] ?? {})[0], port, `${name} host port`);
  }
});

Deno.test("compose: each service listens, publishes and is health-checked on one port", () => {
  for (const [name, s] of deno.filter(([, s]) => !oneShot(s))) {
    const port = Number(s.environment?.PORT);
    assert.deepEqual(port, DEFAULT_PORTS[name], `${name} PORT`);
    assert.deepEqual(containerPorts(s), [port], `${name} container port`);
    assert.deepEqual(
      s.healthcheck?.test?.at(-1),
      `http://127.0.0.1:${port}/healthz`,
      `${name} probe`,
    );
  }
});

Deno.test("compose: services set only env variables their config schema reads", () => {
  const problems: string[] = [];
  for (const [name, s] of deno) {
    const entry = scripts(s.command)[0];
    assert(entry !== undefined, `${name} has no .ts entry point in its command`);
    // A service reads its env through <service>/config.ts; a one-shot script reads its own.
    const schema = entry.endsWith("/main.ts") ? entry.replace(/main\.ts$/, "config.ts") : entry;
    if (!exists(schema)) {
      problems.push(`${name}: ${schema} does not exist`);
      continue;
    }
    const read = envNamesRead(Deno.readTextFileSync(ROOT + schema));
    for (const variable of Object.keys(s.environment ?? {})) {
      if (!read.has(variable)) problems.push(`${name}: ${variable} is not read by ${schema}`);
    }
  }
  assert.deepEqual(problems, [], "env variables nobody reads");
});

Deno.test("compose: migrate runs what `deno task migrate` runs", () => {
  const tasks = JSON.parse(Deno.readTextFileSync(ROOT + "deno.json")).tasks as Record<
    string,
    string
  >;
  const command = compose.services.migrate?.command;
  // The task runs the npm-installed deno; the image has deno on PATH.
  const task = tasks.migrate?.replace(/^node_modules\/\.bin\/deno /, "deno ");
  assert.deepEqual(Array.isArray(command) ? command.join(" ") : command, task);
});

Deno.test("compose: dev-source creates the dev write key as `npm start` does, before ingest", () => {
  const devSource = compose.services["dev-source"];
  assert(devSource !== undefined, "compose has no dev-source service");
  assert(oneShot(devSource), "dev-source runs once per `up`");
  const args = ["run", "-A", "ingest/cli/sources.ts", "ensure-dev"];
  // Compose's database is its own container; a revoked dev source stays revoked without
  // failing the `up` (ingest waits for this service to succeed).
  assert.deepEqual(devSource.command, [
    "deno",
    ...args,
    "--allow-db-host",
    new URL(devSource.environment!.DATABASE_URL!).hostname,
    "--revoked-ok",
  ]);
  // infra/start.ts (`npm start`) runs the same command; if it changes, both change.
  const start = Deno.readTextFileSync(ROOT + "infra/start.ts");
  // (start.ts runs it once per kind: `…, "ensure-dev", "--kind", kind]`).
  const prefix = JSON.stringify(args).replaceAll(",", ", ").slice(0, -1);
  assert(start.includes(prefix), "infra/start.ts runs it");
  // The key the README's examples use unless the user sets another.
  assert.equal(
    devSource.environment?.EVENTFLOW_DEV_WRITE_KEY,
    "${EVENTFLOW_DEV_WRITE_KEY:-dev_write_key}",
  );
  assert.equal(
    devSource.environment?.DATABASE_URL,
    compose.services.migrate?.environment?.DATABASE_URL,
  );
  assert.deepEqual(devSource.depends_on?.migrate, { condition: "service_completed_successfully" });
  // Ingest starts only once the key exists, so the first curl after `up` is not a 401.
  assert.deepEqual(compose.services.ingest?.depends_on?.["dev-source"], {
    condition: "service_completed_successfully",
  });
});

Deno.test("compose: dev-server-source creates the server dev key as `npm start` does", () => {
  const source = compose.services["dev-server-source"];
  assert(source !== undefined, "compose has no dev-server-source service");
  assert(oneShot(source), "dev-server-source runs once per `up`");
  assert.deepEqual(source.command, [
    "deno",
    "run",
    "-A",
    "ingest/cli/sources.ts",
    "ensure-dev",
    "--kind",
    "server",
    "--allow-db-host",
    new URL(source.environment!.DATABASE_URL!).hostname,
    "--revoked-ok",
  ]);
  assert.equal(
    source.environment?.EVENTFLOW_DEV_SERVER_KEY,
    "${EVENTFLOW_DEV_SERVER_KEY:-dev_server_key}",
  );
  assert.deepEqual(compose.services.ingest?.depends_on?.["dev-server-source"], {
    condition: "service_completed_successfully",
  });
});

Deno.test("compose: depends_on targets exist and can satisfy their condition", () => {
  for (const [name, s] of services) {
    for (const [target, { condition }] of Object.entries(s.depends_on ?? {})) {
      const dep = compose.services[target];
      assert(dep !== undefined, `${name} depends on ${target}, which is not a service`);
      if (condition === "service_healthy") {
        assert(dep.healthcheck?.test && !dep.healthcheck.disable, `${target} has no healthcheck`);
      } else {
        assert.deepEqual(condition, "service_completed_successfully", `${name} → ${target}`);
        assert(oneShot(dep), `${target} is awaited to complete but restarts`);
      }
    }
  }
});

Deno.test("compose: long-running services restart and have a healthcheck", () => {
  for (const [name, s] of services.filter(([, s]) => !oneShot(s))) {
    assert.deepEqual(s.restart, "unless-stopped", `${name} restart`);
    assert(s.healthcheck?.test && !s.healthcheck.disable, `${name} has no healthcheck`);
  }
  assert.deepEqual(
    Object.fromEntries(
      services.filter(([, s]) => s.healthcheck?.test).map(([n, s]) => [
        n,
        s.healthcheck!.test!.join(" ").match(
          /kafka-broker-api-versions|\/ping|pg_isready|redis-cli ping|\/healthz|\/-\/ready|\/api\/health|\/metrics/,
        )?.[0],
      ]),
    ),
    {
      "kafka-1": "kafka-broker-api-versions",
      "kafka-2": "kafka-broker-api-versions",
      "kafka-3": "kafka-broker-api-versions",
      clickhouse: "/ping",
      postgres: "pg_isready",
      redis: "redis-cli ping",
      ingest: "/healthz",
      enrich: "/healthz",
      sink: "/healthz",
      admin: "/healthz",
      alerts: "/healthz",
      query: "/healthz",
      prometheus: "/-/ready",
      alertmanager: "/-/ready",
      "postgres-exporter": "/metrics",
      "redis-exporter": "/metrics",
      grafana: "/api/health",
    },
  );
});

Deno.test("compose: named volumes are declared and each backs one service", () => {
  // A volume others only read (":ro") is shared on purpose: the JMX agent the brokers load.
  const used = services.flatMap(([, s]) =>
    (s.volumes ?? []).filter((v) => !v.endsWith(":ro")).map((v) => v.split(":")[0]!)
      .filter((source) => !source.startsWith("."))
  );
  assert.deepEqual(used.sort(), Object.keys(compose.volumes).sort());
});

Deno.test("compose: the Kafka brokers form one 3-voter quorum with RF 3 and min ISR 2", () => {
  assert.deepEqual(kafka.length, 3);
  const env = kafka.map(([, s]) => s.environment ?? {});
  const voters = new Set(env.map((e) => e.KAFKA_CONTROLLER_QUORUM_VOTERS));
  assert.deepEqual(voters.size, 1, "brokers disagree on controller.quorum.voters");
  assert.deepEqual(new Set(env.map((e) => e.CLUSTER_ID)).size, 1, "brokers disagree on CLUSTER_ID");
  const expected = kafka.map(([name, s]) => `${s.environment?.KAFKA_NODE_ID}@${name}:9093`);
  assert.deepEqual([...voters][0]!.split(","), expected);
  for (const e of env) {
    assert.deepEqual(e.KAFKA_PROCESS_ROLES, "broker,controller");
    assert.deepEqual(e.KAFKA_DEFAULT_REPLICATION_FACTOR, "3");
    assert.deepEqual(e.KAFKA_MIN_INSYNC_REPLICAS, "2");
    assert.deepEqual(e.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, "3");
    assert.deepEqual(e.KAFKA_NUM_PARTITIONS, "6");
    assert(/^apache\/kafka:4\./.test(compose.services["kafka-1"]!.image ?? ""), "Kafka 4.x image");
  }
  const internal = kafka.map(([name, s]) =>
    s.environment?.KAFKA_ADVERTISED_LISTENERS?.match(/INTERNAL:\/\/([^,]+)/)?.[1] ?? `${name}: none`
  );
  for (const name of ["ingest", "enrich", "sink"]) {
    assert(compose.services[name]?.environment?.KAFKA_BROKERS, `${name} needs KAFKA_BROKERS`);
  }
  for (const [name, s] of deno.filter(([, s]) => s.environment?.KAFKA_BROKERS !== undefined)) {
    assert.deepEqual(s.environment?.KAFKA_BROKERS?.split(","), internal, `${name} KAFKA_BROKERS`);
  }
});

Deno.test("compose: topic-init creates the default topics with 6 partitions, RF 3, min ISR 2", () => {
  const script = [compose.services["topic-init"]?.command].flat().join("\n");
  const created = [...script.matchAll(/^\s*create (\w+) (\d+|"\$\$raw_ms")$/gm)].map((m) => m[1]);
  assert.deepEqual(created, Object.values(sharedDefaults("topicEnv")));
  assert(script.includes("--partitions 6 --replication-factor 3"), "partitions/RF of topics");
  assert(script.includes("--config min.insync.replicas=2"), "min ISR of topics");
  assert(script.includes("--if-not-exists"), "topic-init must be re-runnable");
  // raw_events holds unmasked PII: its short retention is applied on every run, existing or not.
  assert.match(script, /create raw_events "\$\$raw_ms"/);
  assert.match(script, /raw_ms=\$\$\(\( \$\$\{TOPIC_RAW_RETENTION_HOURS:-24\} \* 3600000 \)\)/);
  assert.match(
    script,
    /kafka-configs\.sh [^\n]*--alter \\\n\s*--entity-type topics --entity-name raw_events \\\n\s*--add-config retention\.ms="\$\$raw_ms",segment\.ms="\$\$segment_ms"/,
  );
  for (const [name, s] of deno) {
    for (const [variable, topic] of Object.entries(sharedDefaults("topicEnv"))) {
      const set = s.environment?.[variable];
      if (set !== undefined) assert.deepEqual(set, topic, `${name} ${variable}`);
    }
  }
});

Deno.test("compose: Prometheus scrapes every service under the shared job names", () => {
  interface Scrape {
    job_name: string;
    static_configs: { targets: string[] }[];
  }
  const config = readYaml<{ scrape_configs: Scrape[] }>("infra/prometheus/prometheus.yml");
  const jobs = Object.fromEntries(
    config.scrape_configs.map((c) => [c.job_name, c.static_configs.flatMap((s) => s.targets)]),
  );
  for (const name of ["ingest", "enrich", "sink", "admin", "alerts", "query"]) {
    const env = compose.services[name]?.environment;
    assert.deepEqual(jobs[name], [`${name}:${env?.OPS_PORT ?? env?.PORT}`], name);
  }
});

Deno.test("compose: Grafana installs the ClickHouse plugin and its datasources point at compose", () => {
  const grafana = compose.services.grafana!;
  assert(/^grafana\/grafana-oss:/.test(grafana.image ?? ""), "grafana-oss image");
  assert.deepEqual(grafana.environment?.GF_INSTALL_PLUGINS, "grafana-clickhouse-datasource");
  const ds =
    readYaml<{ datasources: { uid: string; url?: string; jsonData: Record<string, unknown> }[] }>(
      "grafana/provisioning/datasources/datasources.yaml",
    ).datasources;
  const byUid = Object.fromEntries(ds.map((d) => [d.uid, d]));
  assert.deepEqual(byUid.prometheus?.url, "http://prometheus:9090");
  assert.deepEqual(
    [byUid.clickhouse?.jsonData.host, byUid.clickhouse?.jsonData.port],
    ["clickhouse", containerPorts(compose.services.clickhouse!)[0]],
  );
  assert.deepEqual(
    byUid.clickhouse?.jsonData.defaultDatabase,
    compose.services.clickhouse?.environment?.CLICKHOUSE_DB,
  );
});
