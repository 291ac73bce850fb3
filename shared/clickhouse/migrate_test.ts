import assert from "node:assert/strict";
import { createClickHouse } from "./mod.ts";
import { migrateClickHouse } from "./migrate.ts";

const URL_ = Deno.env.get("CLICKHOUSE_URL") ?? "http://127.0.0.1:8123";

/** A client on `default` plus a fresh test database that is dropped afterwards. */
function freshDatabase() {
  const database = `eventflow_test_migrate_${crypto.randomUUID().slice(0, 8)}`;
  const client = createClickHouse({ url: URL_, database: "default" });
  return {
    client,
    database,
    async [Symbol.asyncDispose]() {
      await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      await client.close();
    },
  };
}

async function rows<T>(
  db: ReturnType<typeof freshDatabase>,
  query: string,
): Promise<T[]> {
  const result = await db.client.query({ query, format: "JSONEachRow" });
  return await result.json<T>();
}

Deno.test("migrateClickHouse() creates the database, applies once, and a rerun is a no-op", async () => {
  await using db = freshDatabase();
  const first = await migrateClickHouse(db.client, { database: db.database });
  assert.deepEqual(first.applied, ["0001_events", "0002_rollups"]);

  const second = await migrateClickHouse(db.client, { database: db.database });
  assert.deepEqual(second, {
    applied: [],
    skipped: ["0001_events", "0002_rollups"],
    changed: [],
  });

  const versions = await rows<{ version: string }>(
    db,
    `SELECT version FROM ${db.database}.schema_migrations ORDER BY version`,
  );
  assert.deepEqual(versions.map((r) => r.version), ["0001_events", "0002_rollups"]);

  const tables = await rows<{ name: string }>(
    db,
    `SELECT name FROM system.tables WHERE database = '${db.database}' ORDER BY name`,
  );
  assert.deepEqual(tables.map((t) => t.name), [
    "daily_active_users",
    "daily_active_users_mv",
    "events",
    "events_hourly",
    "events_hourly_mv",
    "schema_migrations",
  ]);
  const columns = await rows<{ name: string; type: string }>(
    db,
    `SELECT name, type FROM system.columns WHERE database = '${db.database}' AND table = 'events'
     AND name IN ('event_id', 'timestamp', 'revenue', 'campaigns')`,
  );
  assert.deepEqual(Object.fromEntries(columns.map((c) => [c.name, c.type])), {
    event_id: "String",
    timestamp: "DateTime64(3, 'UTC')",
    revenue: "Nullable(Float64)",
    campaigns: "Array(LowCardinality(String))",
  });
});

Deno.test("migrateClickHouse() names the failing migration and does not record it", async () => {
  await using db = freshDatabase();
  const dir = await Deno.makeTempDir({ prefix: "ef_ch_migrations_test_" });
  try {
    await Deno.writeTextFile(
      `${dir}/0001_ok.sql`,
      "CREATE TABLE IF NOT EXISTS {database}.t (a UInt8) ENGINE = MergeTree ORDER BY a;\n",
    );
    await Deno.writeTextFile(`${dir}/0002_bad.sql`, "SELECT no_such_column FROM {database}.t;\n");
    await assert.rejects(
      () => migrateClickHouse(db.client, { database: db.database, dir }),
      /ClickHouse migration "0002_bad" failed at statement 1 of 1: .*no_such_column/s,
    );
    const versions = await rows<{ version: string }>(
      db,
      `SELECT version FROM ${db.database}.schema_migrations ORDER BY version`,
    );
    assert.deepEqual(versions.map((r) => r.version), ["0001_ok"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("migrateClickHouse() rejects a database name that is not an identifier", async () => {
  const client = createClickHouse({ url: URL_, database: "default" });
  try {
    await assert.rejects(
      () => migrateClickHouse(client, { database: "x; DROP" }),
      /Invalid ClickHouse database name "x; DROP"/,
    );
  } finally {
    await client.close();
  }
});
