/**
 * The PostgreSQL adapter: a postgres.js pool per service, built in `main.ts`.
 */
import postgres from "postgres";
import { EventFlowError } from "../errors.ts";

/** A postgres.js connection pool. */
export type Sql = postgres.Sql;

/** Options for {@link createPostgres}. */
export interface PostgresOptions {
  /** Pool size (default 5). */
  max?: number;
  /** Seconds before an idle connection is closed (default 30). */
  idleTimeout?: number;
}

/** Creates a connection pool for `url`; notices are silenced (migrations emit many). */
export function createPostgres(url: string, opts: PostgresOptions = {}): Sql {
  return postgres(url, {
    max: opts.max ?? 5,
    idle_timeout: opts.idleTimeout ?? 30,
    connect_timeout: 5,
    onnotice: () => {},
    types: { bigint: postgres.BigInt },
  });
}

/** The database name in a connection URL. */
export function databaseName(url: string): string {
  const name = new URL(url).pathname.replace(/^\//, "");
  if (name === "") {
    throw new EventFlowError("CONFIG_INVALID", `Database URL "${url}" names no database`);
  }
  return decodeURIComponent(name);
}

/** Creates the database named in `url` when it does not exist, connecting to `postgres`. */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = createPostgres(admin.toString(), { max: 1 });
  try {
    const rows = await sql`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (rows.length === 0) await sql.unsafe(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    // A concurrent creator may win the race; that is success.
    if ((error as { code?: string }).code !== "42P04") throw error;
  } finally {
    await sql.end();
  }
}

/** Throws unless the URL names a database whose name says it is for tests. */
export function assertTestDatabase(url: string): void {
  const name = databaseName(url);
  if (!/test/i.test(name)) {
    throw new EventFlowError(
      "NOT_A_TEST_DATABASE",
      `Refusing to run destructive test helpers against database "${name}": its name must contain "test"`,
    );
  }
}
