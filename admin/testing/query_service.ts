/**
 * A real query service process for console tests: `query/main.ts` on a free port against the
 * test ClickHouse and PostgreSQL, with an API token made by the query service's own token CLI
 * (the console never imports query/ code, its tests neither), and a private cache prefix.
 */
import { run } from "../../shared/process/mod.ts";
import {
  serviceEntry,
  type ServiceProcess,
  startService,
} from "../../shared/testing/service_process.ts";
import { TEST_ENV } from "../../shared/testing/stores.ts";
import type { Sql } from "../../shared/postgres/mod.ts";

/** A running query service with the console's token; `await using` stops it and revokes it. */
export interface TestQueryService extends AsyncDisposable {
  url: string;
  token: string;
  service: ServiceProcess;
}

const TOKENS_CLI = new URL("../../query/cli/tokens.ts", import.meta.url).pathname;

/** Starts the query service; `prefix` names its token and cache keys (cleanup by prefix). */
export async function startQueryService(sql: Sql, prefix: string): Promise<TestQueryService> {
  const env = {
    DATABASE_URL: TEST_ENV.DATABASE_URL,
    CLICKHOUSE_URL: TEST_ENV.CLICKHOUSE_URL,
    CLICKHOUSE_DATABASE: TEST_ENV.CLICKHOUSE_DATABASE,
    CLICKHOUSE_USER: TEST_ENV.CLICKHOUSE_READER_USER,
    CLICKHOUSE_PASSWORD: TEST_ENV.CLICKHOUSE_READER_PASSWORD,
    REDIS_URL: TEST_ENV.REDIS_URL,
    QUERY_CACHE_PREFIX: `ef:test:${prefix}:`,
    LOG_LEVEL: "warn",
    // The shared ClickHouse stand-in queues queries behind other suites' work; a slow answer is
    // not what the console tests check. 60 s is the most the read-only user's profile allows.
    QUERY_MAX_EXECUTION_SECONDS: "60",
  };
  const out = await run(Deno.execPath(), [
    "run",
    "-A",
    TOKENS_CLI,
    "create",
    "--name",
    `${prefix}console`,
  ], { env: { ...Deno.env.toObject(), ...env } });
  const token = /Token \(shown only now[^:]*: (\S+)/.exec(out)?.[1];
  if (token === undefined) throw new Error(`No token in the token CLI's output:\n${out}`);
  const service = await startService(serviceEntry("query"), { env, timeoutMs: 60_000 });
  return {
    url: service.url,
    token,
    service,
    async [Symbol.asyncDispose]() {
      await service.stop();
      const like = `${prefix.replace(/[\\%_]/g, "\\$&")}%`;
      await sql`DELETE FROM query_api_tokens WHERE name LIKE ${like}`;
      await sql`DELETE FROM campaign_spend WHERE campaign LIKE ${like}`;
    },
  };
}
