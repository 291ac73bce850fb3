/**
 * `deno task migrate`: applies pending ClickHouse and PostgreSQL migrations to the stores named
 * by DATABASE_URL, CLICKHOUSE_URL and CLICKHOUSE_DATABASE. Safe to run any number of times.
 */
import { z } from "zod";
import { createClickHouse } from "./clickhouse/mod.ts";
import { migrateClickHouse } from "./clickhouse/migrate.ts";
import { infraEnv, parseConfig } from "./config.ts";
import { createPostgres, ensureDatabase } from "./postgres/mod.ts";
import { migratePostgres, type MigrationReport } from "./postgres/migrate.ts";

/** Where to migrate. */
export interface MigrateTargets {
  databaseUrl: string;
  clickhouseUrl: string;
  clickhouseDatabase: string;
  /** A ClickHouse user allowed DDL (the stack's writer); default "default". */
  clickhouseUser?: string;
  clickhousePassword?: string;
}

/** Reports of one {@linkcode migrateAll} run, per store. */
export interface MigrateAllReport {
  postgres: MigrationReport;
  clickhouse: MigrationReport;
}

/** Creates the PostgreSQL database if absent, then migrates both stores. */
export async function migrateAll(targets: MigrateTargets): Promise<MigrateAllReport> {
  await ensureDatabase(targets.databaseUrl);
  const sql = createPostgres(targets.databaseUrl, { max: 1 });
  // The client sits on `default`: the target database may not exist until the first migration.
  const ch = createClickHouse({
    url: targets.clickhouseUrl,
    database: "default",
    username: targets.clickhouseUser,
    password: targets.clickhousePassword,
  });
  try {
    const [postgres, clickhouse] = await Promise.all([
      migratePostgres(sql),
      migrateClickHouse(ch, { database: targets.clickhouseDatabase }),
    ]);
    return { postgres, clickhouse };
  } finally {
    await Promise.all([sql.end({ timeout: 5 }), ch.close()]);
  }
}

/** One human line per store: applied versions, or "up to date", plus edited-file warnings. */
export function describeMigrations(report: MigrateAllReport, targets: MigrateTargets): string[] {
  const lines: string[] = [];
  const describe = (store: string, where: string, r: MigrationReport) => {
    lines.push(
      r.applied.length > 0
        ? `${store} ${where}: applied ${r.applied.join(", ")}`
        : `${store} ${where}: up to date (${r.skipped.length} migrations)`,
    );
    for (const version of r.changed) {
      lines.push(
        `warning: ${store} migration ${version} changed after it was applied; ` +
          "it is not re-applied, add a new migration instead",
      );
    }
  };
  const pg = new URL(targets.databaseUrl);
  describe("postgres", `${pg.host}${pg.pathname}`, report.postgres);
  describe(
    "clickhouse",
    `${targets.clickhouseUrl} ${targets.clickhouseDatabase}`,
    report.clickhouse,
  );
  return lines;
}

async function main(): Promise<number> {
  const env = parseConfig(
    z.object({
      DATABASE_URL: infraEnv.DATABASE_URL,
      CLICKHOUSE_URL: infraEnv.CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: infraEnv.CLICKHOUSE_DATABASE,
      CLICKHOUSE_USER: infraEnv.CLICKHOUSE_USER,
      CLICKHOUSE_PASSWORD: infraEnv.CLICKHOUSE_PASSWORD,
    }),
    Deno.env.toObject(),
  );
  const targets = {
    databaseUrl: env.DATABASE_URL,
    clickhouseUrl: env.CLICKHOUSE_URL,
    clickhouseDatabase: env.CLICKHOUSE_DATABASE,
    clickhouseUser: env.CLICKHOUSE_USER,
    clickhousePassword: env.CLICKHOUSE_PASSWORD,
  };
  try {
    const report = await migrateAll(targets);
    for (const line of describeMigrations(report, targets)) console.log(line);
    return 0;
  } catch (error) {
    console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main());
