import assert from "node:assert/strict";
/** Security properties of compose.yaml and the EventFlow image, checked by parsing (no Docker here). */
import { readCompose, readYaml, ROOT } from "../testing/compose.ts";

const compose = readCompose();
const services = Object.entries(compose.services);

/**
 * True when `ref` names one immutable build: a digest, or a tag with a full version
 * (`4.3.1`, `v3.5.0`, `25.8.32.4`, `7.4.11-alpine`), never `latest`, a major or a major.minor.
 */
function pinned(ref: string): boolean {
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return true;
  const [name, tag] = ref.slice(ref.lastIndexOf("/") + 1).split(":");
  // PostgreSQL numbers releases major.minor since 10: `16.13` is one build, `16` is not.
  const parts = name === "postgres" ? 2 : 3;
  const version = new RegExp(`^v?\\d+(\\.\\d+){${parts - 1},3}(-[a-z0-9.-]+)?$`);
  return tag !== undefined && version.test(tag);
}

Deno.test("compose: every pulled image and Dockerfile base is pinned to an exact version", () => {
  const refs = services
    .filter(([, s]) => s.image && !s.build)
    .map(([name, s]) => ({ where: `service ${name}`, ref: s.image! }));
  const dockerfile = Deno.readTextFileSync(`${ROOT}infra/compose/Dockerfile`);
  for (const [, ref] of dockerfile.matchAll(/^FROM\s+(\S+)/gm)) {
    refs.push({ where: "infra/compose/Dockerfile", ref: ref! });
  }
  assert.ok(refs.length >= 7, `expected the stack's images, found ${refs.length}`);
  assert.deepEqual(refs.filter((r) => !pinned(r.ref)), [], "images without an exact version");
});

Deno.test("pinned() tells exact versions from moving tags", () => {
  for (const ok of ["postgres:16.13", "redis:7.4.11-alpine", "prom/prometheus:v3.5.0"]) {
    assert.ok(pinned(ok), ok);
  }
  for (
    const bad of ["postgres:16", "redis:7-alpine", "clickhouse/clickhouse-server:25.8", "x:latest"]
  ) {
    assert.ok(!pinned(bad), bad);
  }
});

Deno.test("compose: every service listens on 0.0.0.0 inside its container; ingest's ops port stays unpublished", () => {
  const served = ["ingest", "enrich", "sink", "admin", "alerts"];
  for (const name of served) {
    assert.equal(compose.services[name]?.environment?.HOST, "0.0.0.0", name);
  }
  const ingest = compose.services.ingest!;
  assert.equal(ingest.environment?.OPS_HOST, "0.0.0.0");
  const published = (ingest.ports ?? []).map((p) => p.split(":").at(-1));
  assert.deepEqual(published, [ingest.environment?.PORT]);
  assert.ok(!published.includes(ingest.environment?.OPS_PORT));
});

Deno.test("compose: ClickHouse users have env-provided passwords; each service logs in as its role", () => {
  const xml = Deno.readTextFileSync(`${ROOT}infra/compose/clickhouse/users.d/eventflow.xml`);
  const users = /<users>([\s\S]*)<\/users>/.exec(xml)?.[1] ?? "";
  const user = (name: string) =>
    new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(users)?.[1] ?? "";
  const passwordEnv = (name: string) => /<password from_env="([A-Z_]+)"/.exec(user(name))?.[1];
  assert.equal(passwordEnv("default"), "CLICKHOUSE_DEFAULT_PASSWORD");
  assert.equal(passwordEnv("eventflow_writer"), "CLICKHOUSE_WRITER_PASSWORD");
  assert.equal(passwordEnv("eventflow_reader"), "CLICKHOUSE_READER_PASSWORD");
  assert.match(user("eventflow_reader"), /<profile>reader<\/profile>/);
  assert.match(/<reader>([\s\S]*?)<\/reader>/.exec(xml)?.[1] ?? "", /<readonly>2<\/readonly>/);

  const clickhouse = compose.services.clickhouse!.environment ?? {};
  for (const name of ["DEFAULT", "WRITER", "READER"]) {
    // Required: compose refuses to start without it, so no user is ever passwordless.
    assert.match(
      clickhouse[`CLICKHOUSE_${name}_PASSWORD`] ?? "",
      /^\$\{CLICKHOUSE_\w+_PASSWORD:\?/,
    );
  }
  const login = (name: string) => {
    const env = compose.services[name]?.environment ?? {};
    return [env.CLICKHOUSE_USER, /\$\{(\w+):\?/.exec(env.CLICKHOUSE_PASSWORD ?? "")?.[1]];
  };
  assert.deepEqual(login("migrate"), ["eventflow_writer", "CLICKHOUSE_WRITER_PASSWORD"]);
  assert.deepEqual(login("sink"), ["eventflow_writer", "CLICKHOUSE_WRITER_PASSWORD"]);
  assert.deepEqual(login("admin"), ["eventflow_reader", "CLICKHOUSE_READER_PASSWORD"]);
  for (const name of ["ingest", "enrich", "alerts"]) {
    assert.equal(compose.services[name]?.environment?.CLICKHOUSE_PASSWORD, undefined, name);
  }

  const datasources = readYaml<
    {
      datasources: {
        uid: string;
        jsonData?: { username?: string };
        secureJsonData?: { password?: string };
      }[];
    }
  >("grafana/provisioning/datasources/datasources.yaml");
  const ch = datasources.datasources.find((d) => d.uid === "clickhouse");
  assert.equal(ch?.jsonData?.username, "eventflow_reader");
  assert.equal(ch?.secureJsonData?.password, "$CLICKHOUSE_READER_PASSWORD");
  assert.match(compose.services.grafana?.environment?.CLICKHOUSE_READER_PASSWORD ?? "", /READER/);
});
