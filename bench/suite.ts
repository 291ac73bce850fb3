/**
 * The benchmark suite: `deno task bench` (`deno run -A bench/suite.ts`).
 *
 * Brings the local stack up if needed, runs each EventFlow component beside a baseline back to
 * back on this machine, judges the run against issue 16's targets, and writes
 * bench/results/latest.json plus the section between the markers of docs/benchmarks.md. Uses its
 * own databases (eventflow_bench), topics (bench_*_<id>, deleted at the end) and ports
 * (18080–18090). Flags: see SUITE_USAGE in args.ts (`--only`, `--runs`, `--sustain`, …).
 */
import { runCli } from "../shared/cli.ts";
import { createAdmin } from "../shared/kafka/mod.ts";
import { parseSuiteArgs, SUITE_USAGE, type SuitePhase } from "./args.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { ensureDeadLetterKey } from "../infra/stack/dead_letter_key.ts";
import { loadStackConfig } from "../infra/stack/config.ts";
import { KAFKA_TOOLS_VERSION } from "./suite/kafka_perf.ts";
import { describeMachine } from "./suite/machine.ts";
import { renderMarkdown, spliceSection } from "./suite/markdown.ts";
import {
  type BenchEnv,
  measureBatch,
  measureSingle,
  measureSink,
  measureStandIn,
} from "./suite/phases.ts";
import { measureWholePipeline } from "./suite/pipeline.ts";
import { repoRoot, runCommand } from "./suite/proc.ts";
import { benchStores } from "./suite/stores.ts";
import type { BenchResults } from "./suite/results.ts";
import { evaluate, summarizeRuns } from "./suite/targets.ts";

async function main(args: string[]): Promise<number> {
  const root = repoRoot();
  const suite = parseSuiteArgs(args);
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
  const { clickhouseUrl, databaseUrl, writer } = await benchStores(Deno.env.toObject());
  const stack = loadStackConfig(Deno.env.toObject());
  const writeKey = "bench_write_key";
  await runCommand(deno, ["run", "-A", "ingest/cli/sources.ts", "ensure-dev"], {
    env: { DATABASE_URL: databaseUrl, EVENTFLOW_DEV_WRITE_KEY: writeKey },
  });
  // The load generator speaks for many simulated clients, as a server-side source does: ingest
  // honours context.ip / context.userAgent only from backend sources, and geo and device
  // enrichment should see the simulated clients, not 127.0.0.1. It is a server key too, so its
  // purchases reach PostgreSQL (public keys' business events never do, docs/security.md §4).
  const sql = createPostgres(databaseUrl, { max: 1 });
  await sql`UPDATE sources SET platform = 'backend', kind = 'server' WHERE source_id = 'dev'`;
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

  const machine = await describeMachine({ kafka: KAFKA_TOOLS_VERSION });
  const commit = (await runCommand("git", ["rev-parse", "--short", "HEAD"]).catch(() => "unknown"))
    .trim();
  const runs: BenchResults[] = [];
  try {
    for (let n = 1; n <= suite.runs; n++) {
      if (suite.runs > 1) log(`Run ${n} of ${suite.runs}`);
      runs.push(await runOnce(env, suite, { machine, commit, args, log }));
    }
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
  const results = runs[runs.length - 1]!;
  results.durationS = Math.round((performance.now() - started) / 1000);

  await Deno.mkdir(`${root}/bench/results`, { recursive: true });
  const summaries = summarizeRuns(runs.map(evaluate));
  await Deno.writeTextFile(
    `${root}/bench/results/latest.json`,
    JSON.stringify(
      { ...results, targets: summaries, runs: runs.length > 1 ? runs : undefined },
      null,
      2,
    ) +
      "\n",
  );
  const markdown = renderMarkdown(results, summaries);
  const docPath = `${root}/docs/benchmarks.md`;
  const doc = await Deno.readTextFile(docPath).catch(() => null);
  await Deno.writeTextFile(docPath, spliceSection(doc, markdown));
  log("");
  log(markdown);
  log(`\nWrote bench/results/latest.json and docs/benchmarks.md in ${results.durationS} s`);
  return summaries.some((v) => v.status === "not measured") ? 1 : 0;
}

/** One pass over the selected phases; a failing phase is recorded and the others still run. */
async function runOnce(
  env: BenchEnv,
  suite: ReturnType<typeof parseSuiteArgs>,
  ctx: {
    machine: BenchResults["machine"];
    commit: string;
    args: string[];
    log: (s: string) => void;
  },
): Promise<BenchResults> {
  const { log } = ctx;
  const started = performance.now();
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    commit: ctx.commit,
    command: ["deno task bench", ...ctx.args].join(" "),
    durationS: 0,
    note: suite.note,
    machine: ctx.machine,
    ingestSingle: null,
    ingestBatch: null,
    sink: null,
    standIn: null,
    loadedSingle: null,
    sustain: null,
    freshness: null,
    cpuPer1000: null,
    errors: {},
  };
  const phase = async (name: SuitePhase, label: string, fn: () => Promise<void>) => {
    if (!suite.only.has(name)) {
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
  await phase("single", "single-event ingest vs bare Deno.serve, consumers idle", async () => {
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
  await phase("standin", "ClickHouse stand-in insert vs chdb in-process", async () => {
    results.standIn = await measureStandIn(env);
    log(
      `  stand-in ${results.standIn.standInRowsPerSec} rows/s, chdb ${results.standIn.baselineRowsPerSec} rows/s`,
    );
  });
  await phase(
    "pipeline",
    "whole pipeline: loaded ingest, max sustained rate, freshness, CPU",
    async () => {
      const r = await measureWholePipeline(env, {
        sustainS: suite.sustainS,
        startRate: suite.startRate,
        maxSteps: 4,
        onLine: log,
      });
      results.loadedSingle = r.loadedSingle;
      results.sustain = r.sustain;
      results.freshness = r.freshness;
      results.cpuPer1000 = r.cpuPer1000;
    },
  );
  results.durationS = Math.round((performance.now() - started) / 1000);
  return results;
}

if (import.meta.main) Deno.exit(await runCli(SUITE_USAGE, Deno.args, main));
