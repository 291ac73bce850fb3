/**
 * `npm run faults` / `deno task faults`: brings up the stack parts the suite needs (reusing
 * running ones), runs faults/full.ts against the test databases as `deno task test` does, and
 * stops only what it started.
 *
 *   deno task faults [--only 1,3] [--no-docs]
 */
import { migrateAll } from "../shared/migrate.ts";
import { retry } from "../shared/retry.ts";
import { exitCodeWithin, spawnChild } from "../shared/process/mod.ts";
import { ensureClickHouseCredentials } from "../infra/stack/clickhouse_users.ts";
import { loadStackConfig } from "../infra/stack/config.ts";
import { reportUpFailures, stackDown, stackUp } from "../infra/stack/stack.ts";
import { testEnv } from "../infra/test.ts";

/** The suite is bounded to about 20 minutes; past 40 it is stuck. */
const TIMEOUT_MS = 40 * 60_000;

async function main(args: string[]): Promise<number> {
  const config = loadStackConfig(Deno.env.toObject());
  const up = await stackUp(config, {
    names: ["kafka", "clickhouse", "postgres", "redis"],
    onProgress: (line) => console.log(line),
  });
  try {
    if (reportUpFailures(up)) return 1;
    const clickhouse = await ensureClickHouseCredentials(config.dir, config.clickhouse);
    const env = { ...Deno.env.toObject(), ...testEnv(config, clickhouse) };
    // A ClickHouse busy with other suites times a migration check out now and then.
    await retry(() =>
      migrateAll({
        databaseUrl: env.DATABASE_URL ?? "",
        clickhouseUrl: config.clickhouse.url,
        clickhouseDatabase: "eventflow_test",
        clickhouseUser: clickhouse.writer.username,
        clickhousePassword: clickhouse.writer.password,
      }), {
      attempts: 5,
      backoff: { baseMs: 2000, maxMs: 10_000 },
      onRetry: (error) => console.error(`migrations: ${(error as Error).message}; retrying`),
    });
    const child = spawnChild(Deno.execPath(), {
      name: "fault suite",
      args: ["run", "-A", "faults/full.ts", ...args],
      cwd: config.repoRoot,
      env,
      output: "inherit",
    });
    return await exitCodeWithin(child, TIMEOUT_MS);
  } finally {
    if (up.started.length > 0) {
      console.log(`stopping what this run started: ${up.started.join(", ")}`);
      await stackDown(config, { names: up.started }).catch((e) => console.error(String(e)));
    }
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
