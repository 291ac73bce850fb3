import assert from "node:assert/strict";
/** Security properties of compose.yaml and the EventFlow image, checked by parsing (no Docker here). */
import { readCompose, ROOT } from "./_compose.ts";

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
