/** The benchmarks' own databases (`eventflow_bench` in both stores), migrated, and who writes. */
import { ensureClickHouseCredentials } from "../../infra/stack/clickhouse_users.ts";
import { loadStackConfig } from "../../infra/stack/config.ts";
import { migrateAll } from "../../shared/migrate.ts";

/** Where the benchmarks write, as the stack's ClickHouse writer. */
export interface BenchStores {
  clickhouseUrl: string;
  /** Always `eventflow_bench`. */
  clickhouseDatabase: string;
  databaseUrl: string;
  writer: { username: string; password: string };
}

/**
 * Migrates the bench databases: ClickHouse at `CLICKHOUSE_URL` (default the stack's :8123),
 * PostgreSQL at `BENCH_DATABASE_URL` (default `eventflow_bench` on the local server).
 */
export async function benchStores(env: Record<string, string>): Promise<BenchStores> {
  const clickhouseUrl = env.CLICKHOUSE_URL ?? "http://127.0.0.1:8123";
  const databaseUrl = env.BENCH_DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/eventflow_bench";
  // The stack's ClickHouse writer: the bench migrates and its services insert.
  const stack = loadStackConfig(env);
  const { writer } = await ensureClickHouseCredentials(stack.dir, stack.clickhouse);
  const clickhouseDatabase = "eventflow_bench";
  await migrateAll({
    databaseUrl,
    clickhouseUrl,
    clickhouseDatabase,
    clickhouseUser: writer.username,
    clickhousePassword: writer.password,
  });
  return { clickhouseUrl, clickhouseDatabase, databaseUrl, writer };
}
