/**
 * `deno task test` (what `npm test` runs): format, lint, type and import-boundary gates, then
 * the whole suite against the real local stack.
 *
 *   deno task test [--no-check] [-- <deno test args, e.g. paths or --filter>]
 *
 * Brings up Kafka, ClickHouse, PostgreSQL, Redis and Prometheus (reusing running ones), points the tests at
 * the `eventflow_test` databases and Redis db 15, migrates them, runs `deno test`, stops only the
 * components it started, and prints `deno: N passed, M failed` as its last line.
 */
import { parseCli, UsageError } from "../shared/cli.ts";
import { migrateAll } from "../shared/migrate.ts";
import { exitCodeWithin, runInherited, spawnChild } from "../shared/process/mod.ts";
import {
  type ClickHouseCredentials,
  ensureClickHouseCredentials,
} from "./stack/clickhouse_users.ts";
import type { ComponentName } from "./stack/component.ts";
import { ensureDeadLetterKey } from "./stack/dead_letter_key.ts";
import { loadStackConfig, type StackConfig } from "./stack/config.ts";
import { reportUpFailures, stackDown, stackUp } from "./stack/stack.ts";
import { parseDenoSummary, summaryLine } from "./deno_summary.ts";

// Prometheus too: the console's monitoring page is tested against the real one.
const TEST_COMPONENTS: ComponentName[] = ["kafka", "clickhouse", "postgres", "redis", "prometheus"];
const CHECK_TIMEOUT_MS = 5 * 60_000;

/**
 * Environment the tests run with: the stack's hosts and ports, test databases, and the
 * ClickHouse writer as CLICKHOUSE_USER (tests create tables) with the read-only reader beside it.
 */
export function testEnv(
  config: StackConfig,
  clickhouse: ClickHouseCredentials,
): Record<string, string> {
  const pg = new URL(config.postgres.url);
  pg.pathname = "/eventflow_test";
  const redis = new URL(config.redis.url);
  redis.pathname = "/15";
  return {
    DATABASE_URL: pg.toString(),
    CLICKHOUSE_URL: config.clickhouse.url,
    CLICKHOUSE_DATABASE: "eventflow_test",
    CLICKHOUSE_USER: clickhouse.writer.username,
    CLICKHOUSE_PASSWORD: clickhouse.writer.password,
    CLICKHOUSE_READER_USER: clickhouse.reader.username,
    CLICKHOUSE_READER_PASSWORD: clickhouse.reader.password,
    REDIS_URL: redis.toString(),
    KAFKA_BROKERS: config.kafka.bootstrap,
    EVENTFLOW_STACK_DIR: config.dir,
  };
}

async function gates(deno: string, cwd: string): Promise<boolean> {
  const steps: [string, string[]][] = [
    ["deno fmt --check", ["fmt", "--check"]],
    ["deno lint", ["lint"]],
    ["deno check", ["check", "."]],
    ["import boundaries", ["run", "--allow-read", "infra/boundaries.ts"]],
  ];
  for (const [name, args] of steps) {
    console.log(`\n== ${name}`);
    const code = await runInherited(deno, args, { timeoutMs: CHECK_TIMEOUT_MS, cwd });
    if (code !== 0) {
      console.error(`error: ${name} failed (exit ${code}); fix it or iterate with --no-check`);
      return false;
    }
  }
  return true;
}

async function runDenoTest(
  deno: string,
  opts: { cwd: string; env: Record<string, string>; extra: string[]; timeoutMs: number },
): Promise<{ code: number; output: string }> {
  // Keep a bounded tail: the summary is at the end, and the suite's output can be large.
  const tail: string[] = [];
  const child = spawnChild(deno, {
    name: "deno test",
    args: [
      "test",
      "-A",
      "--permit-no-files",
      "--ignore=node_modules,.stack,.cache,infra/test.ts",
      ...opts.extra,
    ],
    cwd: opts.cwd,
    env: opts.env,
    output: {
      onLine: (line, stream) => {
        if (stream === "stderr") return console.error(line);
        console.log(line);
        tail.push(line);
        if (tail.length > 200) tail.shift();
      },
    },
  });
  const code = await exitCodeWithin(child, opts.timeoutMs);
  return { code, output: tail.join("\n") };
}

const USAGE = "usage: deno task test [--no-check] [-- <deno test args>]";

/** What `deno task test` was asked: skip the gates?, and what to pass on to `deno test`. */
export interface TestArgs {
  noCheck: boolean;
  /** Everything after `--`, for `deno test` (paths, `--filter`…). */
  extra: string[];
}

/** Parses `[--no-check] [-- <deno test args>]`; anything else throws a UsageError. */
export function parseTestArgs(args: string[]): TestArgs {
  const dashDash = args.indexOf("--");
  const own = dashDash === -1 ? args : args.slice(0, dashDash);
  const { values } = parseCli({ args: own, options: { "no-check": { type: "boolean" } } });
  return {
    noCheck: values["no-check"] === true,
    extra: dashDash === -1 ? [] : args.slice(dashDash + 1),
  };
}

async function main(args: string[]): Promise<number> {
  let parsed: TestArgs;
  try {
    parsed = parseTestArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}; ${USAGE}`);
    console.log(summaryLine(null, 2));
    return 2;
  }
  const { extra } = parsed;
  const deno = Deno.execPath();
  const config = loadStackConfig(Deno.env.toObject());
  const cwd = config.repoRoot;

  if (!parsed.noCheck && !(await gates(deno, cwd))) {
    console.log(summaryLine(null, 1));
    return 1;
  }

  console.log("\n== stack");
  const up = await stackUp(config, {
    names: TEST_COMPONENTS,
    onProgress: (line) => console.log(line),
  });
  let interrupted = false;
  const onSignal = () => {
    // deno test receives the same SIGINT from the terminal and stops; we still tear down.
    interrupted = true;
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  let code = 1;
  let line = summaryLine(null, 1);
  try {
    if (reportUpFailures(up)) return 1;
    const clickhouse = await ensureClickHouseCredentials(config.dir, config.clickhouse);
    const env = { ...Deno.env.toObject(), ...testEnv(config, clickhouse) };
    // Services the tests start seal their dead letters as the stack's do.
    env.DEAD_LETTER_KEYS = await ensureDeadLetterKey(config.dir, env.DEAD_LETTER_KEYS);
    const targets = {
      databaseUrl: env.DATABASE_URL ?? "",
      clickhouseUrl: config.clickhouse.url,
      clickhouseDatabase: "eventflow_test",
      clickhouseUser: clickhouse.writer.username,
      clickhousePassword: clickhouse.writer.password,
    };
    await migrateAll(targets);
    console.log("test databases migrated: postgres eventflow_test, clickhouse eventflow_test");

    console.log("\n== deno test");
    const timeoutMs = Number(Deno.env.get("EVENTFLOW_TEST_TIMEOUT_S") ?? 1200) * 1000;
    const result = await runDenoTest(deno, { cwd, env, extra, timeoutMs });
    code = interrupted && result.code === 0 ? 130 : result.code;
    line = summaryLine(parseDenoSummary(result.output), result.code);
    return code;
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    if (up.started.length > 0) {
      console.log(`\n== stopping what this run started: ${up.started.join(", ")}`);
      await stackDown(config, { names: up.started }).catch((error) => {
        console.error(`warning: ${(error as Error).message}`);
      });
    }
    console.log(line);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
