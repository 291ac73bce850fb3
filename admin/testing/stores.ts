/**
 * Test stores: the real local PostgreSQL and ClickHouse, databases `eventflow_test` (migrated
 * on open), refusing any database whose name does not say "test".
 */
import { assertTestDatabase, createPostgres } from "../../shared/postgres/mod.ts";
import { createClickHouse } from "../../shared/clickhouse/mod.ts";
import { migrateAll } from "../../shared/migrate.ts";
import type { Stores } from "../adapters/stores.ts";

/** Where the test stores are; overridable for CI. */
export const TEST_TARGETS = {
  databaseUrl: Deno.env.get("TEST_DATABASE_URL") ??
    "postgres://postgres@127.0.0.1:5432/eventflow_test",
  clickhouseUrl: Deno.env.get("TEST_CLICKHOUSE_URL") ?? Deno.env.get("CLICKHOUSE_URL") ??
    "http://127.0.0.1:8123",
  clickhouseDatabase: Deno.env.get("TEST_CLICKHOUSE_DATABASE") ?? "eventflow_test",
  clickhouseUser: Deno.env.get("CLICKHOUSE_USER") ?? "default",
  clickhousePassword: Deno.env.get("CLICKHOUSE_PASSWORD") ?? "",
};

/** Open test stores that close on `await using`. */
export interface TestStores extends Stores, AsyncDisposable {}

/** Migrates and opens the test databases. */
export async function openTestStores(): Promise<TestStores> {
  assertTestDatabase(TEST_TARGETS.databaseUrl);
  if (!/test/i.test(TEST_TARGETS.clickhouseDatabase)) {
    throw new Error(
      `Refusing ClickHouse database "${TEST_TARGETS.clickhouseDatabase}": its name must contain "test"`,
    );
  }
  await migrateAll(TEST_TARGETS);
  const pg = createPostgres(TEST_TARGETS.databaseUrl, { max: 4 });
  const ch = createClickHouse({
    url: TEST_TARGETS.clickhouseUrl,
    database: TEST_TARGETS.clickhouseDatabase,
    username: TEST_TARGETS.clickhouseUser,
    password: TEST_TARGETS.clickhousePassword,
    compressRequests: false,
  });
  return {
    pg,
    ch,
    async [Symbol.asyncDispose]() {
      await Promise.allSettled([pg.end({ timeout: 5 }), ch.close()]);
    },
  };
}
