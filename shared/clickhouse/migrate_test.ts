import assert from "node:assert/strict";
import { createClickHouse } from "./mod.ts";
import { CLICKHOUSE_MIGRATIONS_DIR, migrateClickHouse } from "./migrate.ts";

const URL_ = Deno.env.get("CLICKHOUSE_URL") ?? "http://127.0.0.1:8123";
// The stack's writer (infra/test.ts): migrations create databases and tables.
const LOGIN = {
  username: Deno.env.get("CLICKHOUSE_USER") ?? "default",
  password: Deno.env.get("CLICKHOUSE_PASSWORD") ?? "",
};

/** A client on `default` plus a fresh test database that is dropped afterwards. */
function freshDatabase() {
  const database = `eventflow_test_migrate_${crypto.randomUUID().slice(0, 8)}`;
  const client = createClickHouse({ url: URL_, database: "default", ...LOGIN });
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
  assert.deepEqual(first.applied, ["0001_events", "0002_rollups", "0003_money_decimal"]);

  const second = await migrateClickHouse(db.client, { database: db.database });
  assert.deepEqual(second, {
    applied: [],
    skipped: ["0001_events", "0002_rollups", "0003_money_decimal"],
    changed: [],
  });

  const versions = await rows<{ version: string }>(
    db,
    `SELECT version FROM ${db.database}.schema_migrations ORDER BY version`,
  );
  assert.deepEqual(versions.map((r) => r.version), [
    "0001_events",
    "0002_rollups",
    "0003_money_decimal",
  ]);

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
     AND name IN ('event_id', 'timestamp', 'revenue', 'revenue_base', 'product_price', 'campaigns')`,
  );
  assert.deepEqual(Object.fromEntries(columns.map((c) => [c.name, c.type])), {
    event_id: "String",
    timestamp: "DateTime64(3, 'UTC')",
    revenue: "Nullable(Decimal(18, 4))",
    revenue_base: "Nullable(Decimal(18, 4))",
    product_price: "Nullable(Decimal(18, 4))",
    campaigns: "Array(LowCardinality(String))",
  });
});

Deno.test("0003_money_decimal converts stored Float64 money exactly and nulls what Decimal cannot hold", async () => {
  await using db = freshDatabase();
  const dir = await Deno.makeTempDir({ prefix: "ef_ch_migrations_test_" });
  try {
    for (const name of ["0001_events.sql", "0002_rollups.sql"]) {
      await Deno.copyFile(`${CLICKHOUSE_MIGRATIONS_DIR}/${name}`, `${dir}/${name}`);
    }
    await migrateClickHouse(db.client, { database: db.database, dir });
    // Values as a Float64 table held them before 0003, including ones no Decimal(18, 4) holds.
    await db.client.command({
      query:
        `INSERT INTO ${db.database}.events (event_id, event, revenue, revenue_base, product_price)
        VALUES ('a', 'purchase', 114.9, 124.09, 0.1), ('b', 'purchase', 1e20, 5, nan),
               ('c', 'view', NULL, -inf, 12.99)`,
    });
    const report = await migrateClickHouse(db.client, { database: db.database });
    assert.deepEqual(report.applied, ["0003_money_decimal"]);

    const money = await rows<Record<string, unknown>>(
      db,
      `SELECT event_id, revenue, revenue_base, product_price FROM ${db.database}.events
       ORDER BY event_id`,
    );
    assert.deepEqual(money, [
      { event_id: "a", revenue: 114.9, revenue_base: 124.09, product_price: 0.1 },
      { event_id: "b", revenue: null, revenue_base: 5, product_price: null },
      { event_id: "c", revenue: null, revenue_base: null, product_price: 12.99 },
    ]);
    const [sums] = await rows<Record<string, unknown>>(
      db,
      `SELECT sum(revenue_base) AS total, sum(product_price) AS prices FROM ${db.database}.events`,
    );
    // Float64 would give 13.089999999999998 for the prices.
    assert.deepEqual(sums, { total: 129.09, prices: 13.09 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
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
  const client = createClickHouse({ url: URL_, database: "default", ...LOGIN });
  try {
    await assert.rejects(
      () => migrateClickHouse(client, { database: "x; DROP" }),
      /Invalid ClickHouse database name "x; DROP"/,
    );
  } finally {
    await client.close();
  }
});
