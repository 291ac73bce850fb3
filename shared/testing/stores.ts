/**
 * The real local stores for integration and end-to-end tests: migrated `eventflow_test`
 * databases, and cleanup of everything a test wrote under its id prefix (moved here from
 * sink/testing so the sink and the e2e tests share one copy).
 */
import { migrateAll } from "../migrate.ts";
import { assertTestDatabase, createPostgres, ensureDatabase, type Sql } from "../postgres/mod.ts";
import { migratePostgres } from "../postgres/migrate.ts";
import { type ClickHouseClient, createClickHouse } from "../clickhouse/mod.ts";
import { sleep } from "../time.ts";

/** Where tests write. */
export const TEST_ENV = {
  DATABASE_URL: Deno.env.get("TEST_DATABASE_URL") ??
    "postgres://postgres@127.0.0.1:5432/eventflow_test",
  CLICKHOUSE_URL: Deno.env.get("CLICKHOUSE_URL") ?? "http://127.0.0.1:8123",
  CLICKHOUSE_DATABASE: "eventflow_test",
  /** The writer (infra/test.ts passes the stack's); tests create and drop tables. */
  CLICKHOUSE_USER: Deno.env.get("CLICKHOUSE_USER") ?? "default",
  CLICKHOUSE_PASSWORD: Deno.env.get("CLICKHOUSE_PASSWORD") ?? "",
  /** The read-only reader, for tests of what readers may do. */
  CLICKHOUSE_READER_USER: Deno.env.get("CLICKHOUSE_READER_USER") ?? "default",
  CLICKHOUSE_READER_PASSWORD: Deno.env.get("CLICKHOUSE_READER_PASSWORD") ?? "",
  KAFKA_BROKERS: Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092",
  REDIS_URL: Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379/15",
};

/** A random id for a test's topics, groups and row prefixes. */
export function testId(): string {
  return `test_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
}

/** A pool on the migrated PostgreSQL test database alone; `await using` closes it. */
export async function testSql(): Promise<Sql & AsyncDisposable> {
  assertTestDatabase(TEST_ENV.DATABASE_URL);
  await ensureDatabase(TEST_ENV.DATABASE_URL);
  const sql = createPostgres(TEST_ENV.DATABASE_URL, { max: 2 });
  await migratePostgres(sql);
  return Object.assign(sql, { [Symbol.asyncDispose]: () => sql.end() });
}

/** Clients on the migrated test databases; disposing deletes every row under `prefix`. */
export async function testStores(prefix: string): Promise<
  { sql: Sql; ch: ClickHouseClient; [Symbol.asyncDispose](): Promise<void> }
> {
  assertTestDatabase(TEST_ENV.DATABASE_URL);
  if (!/test/.test(TEST_ENV.CLICKHOUSE_DATABASE) || !prefix.startsWith("test_")) {
    throw new Error(`Refusing to clean up "${prefix}" outside a test database`);
  }
  await migrateAll({
    databaseUrl: TEST_ENV.DATABASE_URL,
    clickhouseUrl: TEST_ENV.CLICKHOUSE_URL,
    clickhouseDatabase: TEST_ENV.CLICKHOUSE_DATABASE,
    clickhouseUser: TEST_ENV.CLICKHOUSE_USER,
    clickhousePassword: TEST_ENV.CLICKHOUSE_PASSWORD,
  });
  const sql = createPostgres(TEST_ENV.DATABASE_URL, { max: 2 });
  const ch = createClickHouse({
    url: TEST_ENV.CLICKHOUSE_URL,
    database: TEST_ENV.CLICKHOUSE_DATABASE,
    username: TEST_ENV.CLICKHOUSE_USER,
    password: TEST_ENV.CLICKHOUSE_PASSWORD,
  });
  return {
    sql,
    ch,
    async [Symbol.asyncDispose]() {
      await deletePrefix(sql, ch, prefix);
      await sql.end({ timeout: 5 });
      await ch.close();
    },
  };
}

/** Deletes a test's PostgreSQL business rows: ids start with `prefix`. */
export async function deletePostgresPrefix(sql: Sql, prefix: string): Promise<void> {
  if (!prefix.startsWith("test_")) throw new Error(`Refusing to delete rows of "${prefix}"`);
  const like = `${prefix}%`;
  await sql`DELETE FROM order_items WHERE order_id LIKE ${like}`;
  await sql`DELETE FROM orders
    WHERE order_id LIKE ${like} OR event_id LIKE ${like} OR user_id LIKE ${like}`;
  await sql`DELETE FROM reviews WHERE event_id LIKE ${like}`;
  await sql`DELETE FROM signups WHERE user_id LIKE ${like}`;
  await sql`DELETE FROM business_events WHERE event_id LIKE ${like} OR user_id LIKE ${like}`;
  await sql`DELETE FROM identities WHERE anonymous_id LIKE ${like} OR user_id LIKE ${like}`;
  // Derived session ids (sess_<hash>) do not carry the prefix; their visitor ids do.
  await sql`DELETE FROM sessions
    WHERE session_id LIKE ${like} OR user_id LIKE ${like} OR anonymous_id LIKE ${like}`;
  await sql`DELETE FROM users WHERE user_id LIKE ${like}`;
  await sql`DELETE FROM products WHERE product_id LIKE ${like}`;
}

/**
 * Deletes a test's rows: ids start with `prefix` (actors in `actor_days`), rows of the older
 * rollups have platform `prefix`.
 */
export async function deletePrefix(sql: Sql, ch: ClickHouseClient, prefix: string): Promise<void> {
  await deletePostgresPrefix(sql, prefix);
  const settings = { mutations_sync: "2" as const };
  await ch.command({
    query: `ALTER TABLE events DELETE WHERE startsWith(event_id, {p:String})`,
    query_params: { p: prefix },
    clickhouse_settings: settings,
  });
  await ch.command({
    query: `ALTER TABLE revenue_events DELETE WHERE startsWith(event_id, {p:String})`,
    query_params: { p: prefix },
    clickhouse_settings: settings,
  });
  await ch.command({
    query: `ALTER TABLE actor_days DELETE WHERE startsWith(actor, {p:String})`,
    query_params: { p: prefix },
    clickhouse_settings: settings,
  });
  for (const table of ["events_hourly", "daily_active_users"]) {
    await ch.command({
      query: `ALTER TABLE ${table} DELETE WHERE platform = {p:String}`,
      query_params: { p: prefix },
      clickhouse_settings: settings,
    });
  }
}

/** Polls `probe` every 100 ms until it returns true; throws `message` after `timeoutMs`. */
export async function waitFor(
  probe: () => Promise<boolean>,
  opts: { timeoutMs?: number; message: string },
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`Timed out: ${opts.message}`);
    await sleep(100);
  }
}

/** One number from a ClickHouse query returning a single `n` column. */
export async function chNumber(
  ch: ClickHouseClient,
  query: string,
  params: Record<string, unknown>,
): Promise<number> {
  const result = await ch.query({ query, query_params: params, format: "JSONEachRow" });
  const rows = await result.json<{ n: string | number }>();
  return Number(rows[0]?.n ?? 0);
}
