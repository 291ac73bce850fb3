/**
 * Versioned PostgreSQL migrations: each file applied once, in its own transaction, recorded in
 * `schema_migrations`. A transaction-scoped advisory lock serialises concurrent runners (two
 * services starting at once), and the recorded-version check happens under that lock.
 */
import type { Sql } from "./mod.ts";
import { type Migration, readMigrations } from "../migration_files.ts";

/** Options of {@linkcode migratePostgres}. */
export interface MigratePostgresOptions {
  /** Directory of `*.sql` files. Default: `shared/postgres/migrations`. */
  dir?: string;
}

/** What a migration run did. */
export interface MigrationReport {
  /** Versions applied by this run, in order. */
  applied: string[];
  /** Versions that were already recorded. */
  skipped: string[];
  /** Recorded versions whose file changed since it was applied (not re-applied). */
  changed: string[];
}

/** Default migrations directory of the PostgreSQL store. */
export const POSTGRES_MIGRATIONS_DIR = decodeURIComponent(
  new URL("./migrations", import.meta.url).pathname,
);

// Arbitrary constant shared by every EventFlow migration runner ("EFMIGRATE" in spirit).
const LOCK_KEY = "4577467001";

/** Applies the pending migrations of `opts.dir` to the database `sql` points at. */
export async function migratePostgres(
  sql: Sql,
  opts: MigratePostgresOptions = {},
): Promise<MigrationReport> {
  const migrations = await readMigrations(opts.dir ?? POSTGRES_MIGRATIONS_DIR);
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY}::bigint)`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    text PRIMARY KEY,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`;
  });
  const report: MigrationReport = { applied: [], skipped: [], changed: [] };
  for (const migration of migrations) {
    const outcome = await applyOne(sql, migration);
    if (outcome === "applied") report.applied.push(migration.version);
    else {
      report.skipped.push(migration.version);
      if (outcome === "changed") report.changed.push(migration.version);
    }
  }
  return report;
}

async function applyOne(sql: Sql, migration: Migration): Promise<"applied" | "same" | "changed"> {
  return await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK_KEY}::bigint)`;
    const rows = await tx<{ checksum: string }[]>`
      SELECT checksum FROM schema_migrations WHERE version = ${migration.version}`;
    const recorded = rows[0];
    if (recorded !== undefined) {
      return recorded.checksum === migration.checksum ? "same" : "changed";
    }
    try {
      // The simple protocol runs a multi-statement script as written ($$ bodies included).
      await tx.unsafe(migration.sql).simple();
    } catch (cause) {
      throw new Error(
        `PostgreSQL migration "${migration.version}" failed: ${(cause as Error).message}`,
        { cause },
      );
    }
    await tx`INSERT INTO schema_migrations (version, checksum)
      VALUES (${migration.version}, ${migration.checksum})`;
    return "applied";
  }) as "applied" | "same" | "changed";
}
