/**
 * What staff see when a store is down. The "down" stores are real clients pointed at a port
 * nothing listens on, so the failure is the genuine connection error.
 */
import assert from "node:assert/strict";
import { createApp } from "./app.tsx";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { createClickHouse } from "../shared/clickhouse/mod.ts";
import { openTestStores, TEST_TARGETS } from "./testing/stores.ts";
import { get } from "./testing/http.ts";
import { randomPrefix } from "./testing/seed.ts";
import { removeStaff, signedIn, TEST_COST } from "./testing/session.ts";
import type { Stores } from "./adapters/stores.ts";

const quiet = createLogger("admin", { write: () => {} });

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function appFor(stores: Stores) {
  return createApp({
    stores,
    registry: createRegistry("admin", { processMetrics: false }),
    logger: quiet,
    passwordCost: TEST_COST,
  });
}

Deno.test("a PostgreSQL outage shows a 503 page naming PostgreSQL and fails /readyz", async () => {
  await using real = await openTestStores();
  const pg = createPostgres(`postgres://postgres@127.0.0.1:${closedPort()}/eventflow_test`, {
    max: 1,
  });
  try {
    const app = appFor({ pg, ch: real.ch });
    // Sessions live in PostgreSQL too, so even the gate answers 503 rather than a sign-in loop.
    const page = await get(app, "/orders", { cookie: "ef_session=whatever" });
    assert.equal(page.status, 503);
    assert.match(page.html, /<h1>PostgreSQL is unavailable<\/h1>/);
    const json = await get(app, "/", { accept: "application/json", cookie: "ef_session=x" });
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
  const prefix = randomPrefix();
  try {
    const app = appFor({ pg: real.pg, ch });
    const staff = await signedIn(app, real.pg, { prefix, role: "viewer" });
    const events = await staff.get("/events");
    assert.equal(events.status, 503);
    assert.match(events.html, /ClickHouse did not answer, so this page cannot be shown right now/);
    // Orders need only PostgreSQL and keep working.
    assert.equal((await staff.get("/orders")).status, 200);
  } finally {
    await ch.close();
    await removeStaff(real.pg, prefix);
  }
});

Deno.test("the ops endpoints answer without a session", async () => {
  await using stores = await openTestStores();
  const app = appFor(stores);
  for (const path of ["/healthz", "/readyz", "/metrics"]) {
    const response = await app.request(path);
    assert.equal(response.status, 200, path);
    await response.body?.cancel();
  }
});
