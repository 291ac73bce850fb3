/**
 * What staff see when a store is down, and basic auth. The "down" stores are real clients
 * pointed at a port nothing listens on, so the failure is the genuine connection error.
 */
import assert from "node:assert/strict";
import { createApp } from "./app.tsx";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { createClickHouse } from "../shared/clickhouse/mod.ts";
import { openTestStores, TEST_TARGETS } from "./testing/stores.ts";
import { get } from "./testing/http.ts";
import type { Stores } from "./adapters/stores.ts";

const quiet = createLogger("admin", { write: () => {} });

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function appFor(stores: Stores, opts: { auth?: { username: string; password: string } } = {}) {
  return createApp({
    stores,
    registry: createRegistry("admin", { processMetrics: false }),
    logger: quiet,
    ...opts,
  });
}

Deno.test("a PostgreSQL outage shows a 503 page naming PostgreSQL and fails /readyz", async () => {
  await using real = await openTestStores();
  const pg = createPostgres(`postgres://postgres@127.0.0.1:${closedPort()}/eventflow_test`, {
    max: 1,
  });
  try {
    const app = appFor({ pg, ch: real.ch });
    const page = await get(app, "/orders");
    assert.equal(page.status, 503);
    assert.match(page.html, /<h1>PostgreSQL is unavailable<\/h1>/);
    const json = await get(app, "/", { accept: "application/json" });
    assert.equal(json.status, 503);
    assert.equal(JSON.parse(json.html).error.store, "PostgreSQL");
    const ready = await get(app, "/readyz");
    assert.equal(ready.status, 503);
    const checks = JSON.parse(ready.html).checks;
    assert.equal(checks.postgres.ok, false);
    assert.equal(checks.clickhouse.ok, true);
  } finally {
    await pg.end({ timeout: 1 });
  }
});

Deno.test("a ClickHouse outage shows a 503 page naming ClickHouse on pages that need it", async () => {
  await using real = await openTestStores();
  const ch = createClickHouse({
    url: `http://127.0.0.1:${closedPort()}`,
    database: TEST_TARGETS.clickhouseDatabase,
  });
  try {
    const app = appFor({ pg: real.pg, ch });
    const events = await get(app, "/events");
    assert.equal(events.status, 503);
    assert.match(events.html, /ClickHouse did not answer, so this page cannot be shown right now/);
    // Orders need only PostgreSQL and keep working.
    assert.equal((await get(app, "/orders")).status, 200);
  } finally {
    await ch.close();
  }
});

Deno.test("basic auth guards every page but the ops endpoints", async () => {
  await using stores = await openTestStores();
  const app = appFor(stores, { auth: { username: "staff", password: "s3cret" } });
  const denied = await app.request("/orders");
  assert.equal(denied.status, 401);
  assert.match(denied.headers.get("www-authenticate") ?? "", /Basic realm="EventFlow Admin"/);
  await denied.body?.cancel();
  const wrong = await app.request("/", {
    headers: { authorization: `Basic ${btoa("staff:nope")}` },
  });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  const allowed = await app.request("/orders", {
    headers: { authorization: `Basic ${btoa("staff:s3cret")}` },
  });
  assert.equal(allowed.status, 200);
  await allowed.body?.cancel();
  for (const path of ["/healthz", "/readyz", "/metrics"]) {
    const response = await app.request(path);
    assert.equal(response.status, 200, path);
    await response.body?.cancel();
  }
});
