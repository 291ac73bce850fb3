import assert from "node:assert/strict";
import { loadStackConfig } from "../stack/config.ts";
import { alertmanagerComponent } from "../alertmanager/component.ts";
import { postgresExporterComponent, redisExporterComponent } from "./component.ts";
import { freePort } from "../../shared/process/mod.ts";

/** A free loopback port. */

async function metrics(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  return await res.text();
}

Deno.test("the stack's exporters report the real PostgreSQL and Redis as up; Alertmanager starts with its config", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eventflow_test_stack_" });
  const env = Deno.env.toObject();
  const config = loadStackConfig({
    ...env,
    EVENTFLOW_STACK_DIR: dir,
    POSTGRES_EXPORTER_PORT: String(freePort()),
    REDIS_EXPORTER_PORT: String(freePort()),
    ALERTMANAGER_PORT: String(freePort()),
  });
  const components = [
    postgresExporterComponent(config),
    redisExporterComponent(config),
    alertmanagerComponent(config),
  ];
  try {
    for (const component of components) assert.equal(await component.up(), true, component.name);
    // A second up() reuses what answers.
    assert.equal(await components[0]!.up(), false);
    assert.match(await metrics(config.exporters.postgres), /^pg_up 1$/m);
    assert.match(await metrics(config.exporters.redis), /^redis_up 1$/m);
    const status = await fetch(`http://127.0.0.1:${config.alertmanager.port}/api/v2/status`);
    const body = await status.json();
    assert.match(body.config.original, /url: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/alertmanager/);
    assert.match(await Deno.readTextFile(config.alertmanager.tokenFile), /^am_[0-9a-f]{32}$/);
    for (const component of components) {
      assert.equal((await component.status()).state, "up");
      assert.equal((await component.status()).owner, "stack");
    }
  } finally {
    for (const component of components) await component.down();
    await Deno.remove(dir, { recursive: true });
  }
  for (const component of components) assert.equal((await component.status()).state, "down");
});
