import assert from "node:assert/strict";
import { assertTestDatabase, createPostgres, databaseName, ensureDatabase } from "./mod.ts";
import { migratePostgres } from "./migrate.ts";

const BASE_URL = Deno.env.get("DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/eventflow_test";

/** A fresh database per test, so "first run" really is a first run; dropped afterwards. */
async function freshDatabase() {
  const url = new URL(BASE_URL);
  url.pathname = `/eventflow_test_migrate_${crypto.randomUUID().slice(0, 8)}`;
  const dbUrl = url.toString();
  assertTestDatabase(dbUrl);
  await ensureDatabase(dbUrl);
  const sql = createPostgres(dbUrl, { max: 4 });
  return {
    sql,
    url: dbUrl,
    async [Symbol.asyncDispose]() {
      await sql.end();
      const admin = new URL(dbUrl);
      admin.pathname = "/postgres";
      const root = createPostgres(admin.toString(), { max: 1 });
      try {
        await root.unsafe(`DROP DATABASE IF EXISTS "${databaseName(dbUrl)}" WITH (FORCE)`);
      } finally {
        await root.end();
      }
    },
  };
}

const ALL = [
  "0001_init",
  "0002_business_events_order_id",
  "0003_users_traits_updated_at",
  "0004_query_api_tokens",
  "0005_admin_access",
  "0006_source_kind",
  "0007_alert_idempotency",
];

Deno.test("migratePostgres() applies every file once and a second run is a no-op", async () => {
  await using db = await freshDatabase();
  const first = await migratePostgres(db.sql);
  assert.deepEqual(first.applied, ALL);
  assert.deepEqual(first.skipped, []);

  const second = await migratePostgres(db.sql);
  assert.deepEqual(second, { applied: [], skipped: ALL, changed: [] });

  const versions = await db.sql`SELECT version FROM schema_migrations ORDER BY version`;
  assert.deepEqual(versions.map((r) => r.version), ALL);
  const tables = await db.sql`
    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`;
  const names = new Set(tables.map((r) => r.table_name as string));
  for (
    const table of [
      "sources",
      "users",
      "identities",
      "products",
      "campaigns",
      "currency_rates",
      "sessions",
      "orders",
      "order_items",
      "signups",
      "reviews",
      "business_events",
      "alert_deliveries",
      "schema_migrations",
    ]
  ) assert.ok(names.has(table), `table ${table} missing; have ${[...names].join(", ")}`);
  const columns = await db.sql`
    SELECT column_name FROM information_schema.columns WHERE table_name = 'sources'
    ORDER BY ordinal_position`;
  assert.deepEqual(columns.map((r) => r.column_name), [
    "source_id",
    "name",
    "platform",
    "write_key_hash",
    "created_at",
    "revoked_at",
    "kind",
  ]);
  const [recency] = await db.sql`
    SELECT data_type FROM information_schema.columns
    WHERE table_name = 'users' AND column_name = 'traits_updated_at'`;
  assert.equal(recency?.data_type, "timestamp with time zone");
});

Deno.test("migratePostgres() lets concurrent runners race without errors or duplicates", async () => {
  await using db = await freshDatabase();
  const other = createPostgres(db.url, { max: 2 });
  try {
    const reports = await Promise.all([migratePostgres(db.sql), migratePostgres(other)]);
    const applied = reports.flatMap((r) => r.applied).sort();
    assert.deepEqual(applied, ALL, "exactly one runner applies each migration");
  } finally {
    await other.end();
  }
  const [row] = await db.sql`SELECT count(*)::int AS n FROM schema_migrations`;
  assert.equal(row?.n, ALL.length);
});

Deno.test("migratePostgres() runs files in name order, reports edits and rolls back a failure", async () => {
  await using db = await freshDatabase();
  const dir = await Deno.makeTempDir({ prefix: "ef_pg_migrations_test_" });
  try {
    await Deno.writeTextFile(
      `${dir}/0002_b.sql`,
      "ALTER TABLE t ADD COLUMN IF NOT EXISTS b int;\n",
    );
    await Deno.writeTextFile(`${dir}/0001_a.sql`, "CREATE TABLE IF NOT EXISTS t (a int);\n");
    assert.deepEqual((await migratePostgres(db.sql, { dir })).applied, ["0001_a", "0002_b"]);

    await Deno.writeTextFile(`${dir}/0001_a.sql`, "CREATE TABLE IF NOT EXISTS t (a bigint);\n");
    await Deno.writeTextFile(
      `${dir}/0003_bad.sql`,
      "CREATE TABLE half_done (x int);\nSELECT no_such_column FROM t;\n",
    );
    await assert.rejects(
      () => migratePostgres(db.sql, { dir }),
      /PostgreSQL migration "0003_bad" failed: column "no_such_column" does not exist/,
    );
    const [half] = await db.sql`SELECT to_regclass('half_done') AS t`;
    assert.equal(half?.t, null, "the failed migration's first statement was rolled back");

    await Deno.remove(`${dir}/0003_bad.sql`);
    const report = await migratePostgres(db.sql, { dir });
    assert.deepEqual(report, { applied: [], skipped: ["0001_a", "0002_b"], changed: ["0001_a"] });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
