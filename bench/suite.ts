/**
 * The benchmark suite: `deno task bench` (`deno run -A bench/suite.ts`).
 *
 * Brings the local stack up if needed, runs each EventFlow component beside a baseline back to
 * back on this machine, and writes bench/results/latest.json plus the section between the
 * markers of docs/benchmarks.md. Bounded to about 10 minutes. Uses its own databases
 * (eventflow_bench), topics (bench_*_<id>, deleted at the end) and ports (18080–18090).
 *
 *   --only single,batch,sink,pipeline   run a subset (the others are reported as not measured)
 */
import { runCli } from "../shared/cli.ts";
import { createAdmin } from "../shared/kafka/mod.ts";
import { parseSuiteArgs, SUITE_USAGE, type SuitePhase } from "./args.ts";
import { migrateAll } from "../shared/migrate.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { ensureClickHouseCredentials } from "../infra/stack/clickhouse_users.ts";
import { ensureDeadLetterKey } from "../infra/stack/dead_letter_key.ts";
import { loadStackConfig } from "../infra/stack/config.ts";
import { KAFKA_TOOLS_VERSION } from "./suite/kafka_perf.ts";
import { describeMachine } from "./suite/machine.ts";
import { renderMarkdown, spliceSection } from "./suite/markdown.ts";
import {
  type BenchEnv,
  measureBatch,
  measurePipeline,
  measureSingle,
  measureSink,
} from "./suite/phases.ts";
import { repoRoot, runCommand } from "./suite/proc.ts";
import type { BenchResults } from "./suite/results.ts";
import { evaluate } from "./suite/targets.ts";

async function main(args: string[]): Promise<number> {
  const root = repoRoot();
  const { only } = parseSuiteArgs(args);
  const started = performance.now();
  const id = Date.now().toString(36);
  const logDir = `${root}/.stack/bench/${id}`;
  await Deno.mkdir(logDir, { recursive: true });
  const log = (s: string) => console.log(s);
  log(`Benchmark run ${id}; service logs in ${logDir}`);

  const deno = `${root}/node_modules/.bin/deno`;
  const stackRunning = await runCommand(deno, ["run", "-A", "infra/stack/cli.ts", "status"])
    .then(() => true, () => false);
  // A stack this run brought up is taken down at the end; one that was running stays.
  const startedStack = !stackRunning;
  if (startedStack) {
    log("Starting the local stack (deno task stack up)…");
    await runCommand(deno, ["run", "-A", "infra/stack/cli.ts", "up"]);
  }
  const brokers = Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092";
  const clickhouseUrl = Deno.env.get("CLICKHOUSE_URL") ?? "http://127.0.0.1:8123";
  const databaseUrl = Deno.env.get("BENCH_DATABASE_URL") ??
    "postgres://postgres@127.0.0.1:5432/eventflow_bench";
  // The stack's ClickHouse writer: the bench migrates and its sink inserts.
  const stack = loadStackConfig(Deno.env.toObject());
  const { writer } = await ensureClickHouseCredentials(stack.dir, stack.clickhouse);
  await migrateAll({
    databaseUrl,
    clickhouseUrl,
    clickhouseDatabase: "eventflow_bench",
    clickhouseUser: writer.username,
    clickhousePassword: writer.password,
  });
  const writeKey = "bench_write_key";
  await runCommand(deno, ["run", "-A", "ingest/cli/sources.ts", "ensure-dev"], {
    env: { DATABASE_URL: databaseUrl, EVENTFLOW_DEV_WRITE_KEY: writeKey },
  });
  // The load generator speaks for many simulated clients, as a server-side source does: ingest
  // honours context.ip / context.userAgent only from backend sources, and geo and device
  // enrichment should see the simulated clients, not 127.0.0.1.
  const sql = createPostgres(databaseUrl, { max: 1 });
  await sql`UPDATE sources SET platform = 'backend' WHERE source_id = 'dev'`;
  await sql.end();
  const env: BenchEnv = {
    id,
    logDir,
    brokers,
    writeKey,
    baseEnv: {
      KAFKA_BROKERS: brokers,
      CLICKHOUSE_URL: clickhouseUrl,
      CLICKHOUSE_DATABASE: "eventflow_bench",
      CLICKHOUSE_USER: writer.username,
      CLICKHOUSE_PASSWORD: writer.password,
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: "efbench:",
      LOG_LEVEL: "warn",
      // Dead letters are sealed as in the stack, so the bench measures the same work.
      DEAD_LETTER_KEYS: await ensureDeadLetterKey(stack.dir, Deno.env.get("DEAD_LETTER_KEYS")),
    },
    topics: {
      wrk: `bench_wrk_${id}`,
      raw: `bench_raw_${id}`,
      enriched: `bench_enriched_${id}`,
      dlq: `bench_dlq_${id}`,
      perf: `bench_perf_${id}`,
    },
  };
  const admin = await createAdmin({ brokers: brokers.split(","), clientId: "eventflow-bench" });
  const topicNames = Object.values(env.topics);
  await admin.ensureTopics(topicNames.map((name) => ({ name, partitions: 6 })));

  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    commit: (await runCommand("git", ["rev-parse", "--short", "HEAD"]).catch(() => "unknown"))
      .trim(),
    command: "deno task bench",
    durationS: 0,
    machine: await describeMachine({ kafka: KAFKA_TOOLS_VERSION }),
    ingestSingle: null,
    ingestBatch: null,
    sink: null,
    freshness: null,
    cpuPer1000: null,
    errors: {},
  };
  const phase = async (name: SuitePhase, label: string, fn: () => Promise<void>) => {
    if (!only.has(name)) {
      results.errors[label] = "skipped (--only)";
      return;
    }
    const t0 = performance.now();
    log(`▶ ${label}`);
    try {
      await fn();
      log(`  done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.errors[label] = message.split("\n")[0]!;
      console.error(`  failed: ${message}`);
    }
  };
  try {
    await phase("single", "single-event ingest vs bare Deno.serve", async () => {
      results.ingestSingle = await measureSingle(env);
      log(
        `  ingest ${results.ingestSingle.ingest.requestsPerSec} req/s, bare ${results.ingestSingle.bare.requestsPerSec} req/s`,
      );
    });
    await phase("batch", "batch ingest vs kafka-producer-perf-test", async () => {
      results.ingestBatch = await measureBatch(env);
      log(
        `  ingest ${results.ingestBatch.eventsPerSec} events/s, kafka ${results.ingestBatch.kafka.recordsPerSec} records/s`,
      );
    });
    await phase("sink", "sink vs direct ClickHouse insert and PostgreSQL COPY", async () => {
      results.sink = await measureSink(env);
    });
    await phase("pipeline", "end-to-end freshness and CPU per 1,000 events", async () => {
      const r = await measurePipeline(env, {
        ingestMaxEventsPerSec: results.ingestSingle?.ingest.requestsPerSec ?? null,
        sinkMaxRowsPerSec: results.sink?.clickhouse?.sinkRowsPerSec ?? null,
        onLine: log,
      });
      results.freshness = r.freshness;
      results.cpuPer1000 = r.cpuPer1000;
    });
  } finally {
    await admin.deleteTopics(topicNames).catch((e) =>
      console.error(`Could not delete bench topics: ${e}`)
    );
    await admin.close();
    if (startedStack) {
      log("Stopping the local stack this run started (deno task stack down)…");
      await runCommand(deno, ["run", "-A", "infra/stack/cli.ts", "down"]).catch((e) =>
        console.error(`Could not stop the stack: ${e}`)
      );
    }
  }
  results.durationS = Math.round((performance.now() - started) / 1000);

  await Deno.mkdir(`${root}/bench/results`, { recursive: true });
  await Deno.writeTextFile(
    `${root}/bench/results/latest.json`,
    JSON.stringify(results, null, 2) + "\n",
  );
  const docPath = `${root}/docs/benchmarks.md`;
  const doc = await Deno.readTextFile(docPath).catch(() => null);
  await Deno.writeTextFile(docPath, spliceSection(doc, renderMarkdown(results)));
  log("");
  log(renderMarkdown(results));
  log(`\nWrote bench/results/latest.json and docs/benchmarks.md in ${results.durationS} s`);
  return evaluate(results).some((v) => v.status === "not measured") ? 1 : 0;
}

if (import.meta.main) Deno.exit(await runCli(SUITE_USAGE, Deno.args, main));
