import assert from "node:assert/strict";
import { aliasesOf } from "../events/vocabulary.ts";
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
  const all = [
    "0001_events",
    "0002_rollups",
    "0003_money_decimal",
    "0004_revenue_events",
    "0005_actor_days",
  ];
  assert.deepEqual(first.applied, all);

  const second = await migrateClickHouse(db.client, { database: db.database });
  assert.deepEqual(second, { applied: [], skipped: all, changed: [] });

  const versions = await rows<{ version: string }>(
    db,
    `SELECT version FROM ${db.database}.schema_migrations ORDER BY version`,
  );
  assert.deepEqual(versions.map((r) => r.version), all);

  const tables = await rows<{ name: string }>(
    db,
    `SELECT name FROM system.tables WHERE database = '${db.database}' ORDER BY name`,
  );
  assert.deepEqual(tables.map((t) => t.name), [
    "actor_days",
    "actor_days_mv",
    "daily_active_users",
    "daily_active_users_mv",
    "events",
    "events_hourly",
    "events_hourly_mv",
    "revenue_events",
    "revenue_events_mv",
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
    assert.deepEqual(report.applied, [
      "0003_money_decimal",
      "0004_revenue_events",
      "0005_actor_days",
    ]);

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

Deno.test("0004 and 0005 backfill the events stored before them and the views take new ones", async () => {
  await using db = freshDatabase();
  const dir = await Deno.makeTempDir({ prefix: "ef_ch_migrations_test_" });
  const d = db.database;
  try {
    for (const name of ["0001_events.sql", "0002_rollups.sql", "0003_money_decimal.sql"]) {
      await Deno.copyFile(`${CLICKHOUSE_MIGRATIONS_DIR}/${name}`, `${dir}/${name}`);
    }
    await migrateClickHouse(db.client, { database: d, dir });
    const insert = (values: string) =>
      db.client.command({
        query: `INSERT INTO ${d}.events (event_id, event, timestamp, user_id, anonymous_id,
          platform, geo_city, revenue_base) VALUES ${values}`,
        clickhouse_settings: { insert_deduplicate: 0 },
      });
    // Stored before 0004/0005, one purchase twice (a duplicate not merged yet).
    const old = `('a', 'purchase', '2026-10-01 10:00:00', 'u1', 'an1', 'web', 'Moscow', 100),
      ('b', 'page_view', '2026-10-01 09:00:00', '', 'an2', 'ios', 'Berlin', NULL),
      ('c', 'order_completed', '2026-10-02 11:00:00', '', 'an2', 'ios', 'Berlin', 40),
      ('r', 'order_refunded', '2026-10-03 12:00:00', 'u1', 'an1', 'web', 'Moscow', 25),
      ('b2', 'page_view', '2026-10-01 08:00:00', 'u1', 'an1', 'android', 'Moscow', NULL)`;
    await insert(old);
    await insert(`('a', 'purchase', '2026-10-01 10:00:00', 'u1', 'an1', 'web', 'Moscow', 100)`);
    const report = await migrateClickHouse(db.client, { database: d });
    assert.deepEqual(report.applied, ["0004_revenue_events", "0005_actor_days"]);
    // After the migrations: the views write new events.
    await insert(`('e', 'purchase', '2026-10-04 10:00:00', '', 'an3', 'web', 'Moscow', 7.5)`);

    const money = await rows<Record<string, unknown>>(
      db,
      `SELECT event_id, event, revenue_base FROM ${d}.revenue_events FINAL ORDER BY event_id`,
    );
    assert.deepEqual(money, [
      { event_id: "a", event: "purchase", revenue_base: 100 },
      { event_id: "c", event: "order_completed", revenue_base: 40 },
      { event_id: "e", event: "purchase", revenue_base: 7.5 },
      { event_id: "r", event: "order_refunded", revenue_base: 25 },
    ]);
    const days = await rows<Record<string, unknown>>(
      db,
      `SELECT toString(day) AS day, actor, platform, toString(min(first_seen)) AS first_seen
       FROM ${d}.actor_days GROUP BY day, actor, platform ORDER BY day, actor, platform`,
    );
    assert.deepEqual(days, [
      { day: "2026-10-01", actor: "an2", platform: "ios", first_seen: "2026-10-01 09:00:00.000" },
      {
        day: "2026-10-01",
        actor: "u1",
        platform: "android",
        first_seen: "2026-10-01 08:00:00.000",
      },
      { day: "2026-10-01", actor: "u1", platform: "web", first_seen: "2026-10-01 10:00:00.000" },
      { day: "2026-10-02", actor: "an2", platform: "ios", first_seen: "2026-10-02 11:00:00.000" },
      { day: "2026-10-03", actor: "u1", platform: "web", first_seen: "2026-10-03 12:00:00.000" },
      { day: "2026-10-04", actor: "an3", platform: "web", first_seen: "2026-10-04 10:00:00.000" },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("0004 keeps every name the vocabulary gives purchases and refunds, in view and backfill", async () => {
  const sql = await Deno.readTextFile(`${CLICKHOUSE_MIGRATIONS_DIR}/0004_revenue_events.sql`);
  const lists = [...sql.matchAll(/WHERE event IN \(([^)]*)\)/g)].map((m) =>
    m[1]!.split(",").map((name) => name.trim().replace(/^'|'$/g, "")).sort()
  );
  const expected = [...aliasesOf("purchase"), ...aliasesOf("refund")].sort();
  assert.deepEqual(lists, [expected, expected]);
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
