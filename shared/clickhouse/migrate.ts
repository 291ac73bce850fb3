/**
 * Versioned ClickHouse migrations: the database is created when absent, each file's statements
 * run in order with `{database}` substituted, and the version is recorded in
 * `<database>.schema_migrations` (a MergeTree table) after the last statement succeeds.
 *
 * ClickHouse has no transactions or advisory locks, so every statement must be idempotent
 * (`IF NOT EXISTS`); two concurrent runners then converge on the same schema.
 */
import type { ClickHouseClient } from "./mod.ts";
import { readMigrations, splitStatements } from "../migration_files.ts";
import type { MigrationReport } from "../postgres/migrate.ts";

export type { MigrationReport } from "../postgres/migrate.ts";

/** Options of {@linkcode migrateClickHouse}. */
export interface MigrateClickHouseOptions {
  /** Target database; replaces `{database}` in the SQL. Must be a plain identifier. */
  database: string;
  /** Directory of `*.sql` files. Default: `shared/clickhouse/migrations`. */
  dir?: string;
}

/** Default migrations directory of the ClickHouse store. */
export const CLICKHOUSE_MIGRATIONS_DIR = decodeURIComponent(
  new URL("./migrations", import.meta.url).pathname,
);

/**
 * Applies pending migrations to `opts.database`. `client` must be connected to a database that
 * exists (e.g. `default`), because the target may not exist yet; statements name tables as
 * `{database}.table`.
 */
export async function migrateClickHouse(
  client: ClickHouseClient,
  opts: MigrateClickHouseOptions,
): Promise<MigrationReport> {
  const db = opts.database;
  if (!/^\w+$/.test(db)) {
    throw new Error(`Invalid ClickHouse database name "${db}": use letters, digits and _ only`);
  }
  const migrations = await readMigrations(opts.dir ?? CLICKHOUSE_MIGRATIONS_DIR);
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${db}.schema_migrations
      (version String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
      ENGINE = MergeTree ORDER BY version`,
  });
  const recorded = await recordedChecksums(client, db);
  const report: MigrationReport = { applied: [], skipped: [], changed: [] };
  for (const migration of migrations) {
    const checksum = recorded.get(migration.version);
    if (checksum !== undefined) {
      report.skipped.push(migration.version);
      if (checksum !== migration.checksum) report.changed.push(migration.version);
      continue;
    }
    const statements = splitStatements(migration.sql.replaceAll("{database}", db));
    for (const [index, statement] of statements.entries()) {
      try {
        await client.command({ query: statement });
      } catch (cause) {
        throw new Error(
          `ClickHouse migration "${migration.version}" failed at statement ${index + 1} of ` +
            `${statements.length}: ${(cause as Error).message}`,
          { cause },
        );
      }
    }
    await client.insert({
      table: `${db}.schema_migrations`,
      values: [{ version: migration.version, checksum: migration.checksum }],
      format: "JSONEachRow",
    });
    report.applied.push(migration.version);
  }
  return report;
}

async function recordedChecksums(
  client: ClickHouseClient,
  db: string,
): Promise<Map<string, string>> {
  const result = await client.query({
    query:
      `SELECT version, any(checksum) AS checksum FROM ${db}.schema_migrations GROUP BY version`,
    format: "JSONEachRow",
  });
  const rows = await result.json<{ version: string; checksum: string }>();
  return new Map(rows.map((row) => [row.version, row.checksum]));
}
