/** The suite's measurements, each a function of a prepared environment. */
import { createShop, singleBody } from "../loadgen/model/mod.ts";
import { runMax } from "../loadgen/runner.ts";
import { createHttpSender } from "../loadgen/sender.ts";
import { runProducerPerf } from "./kafka_perf.ts";
import { type BenchChild, runCommand, spawnDeno, waitReady } from "./proc.ts";
import type { BenchResults, StandInFigures, StoreFigures } from "./results.ts";
import { tcpOpen, waitChildReady } from "../../shared/process/mod.ts";
import { runWrk, type WrkResult, wrkScript } from "./wrk.ts";

/** Ports, topics and databases of one run. */
export interface BenchEnv {
  id: string;
  logDir: string;
  brokers: string;
  writeKey: string;
  /** Environment shared by the services: bench databases, Redis, log level. */
  baseEnv: Record<string, string>;
  topics: { wrk: string; raw: string; enriched: string; dlq: string; perf: string };
}

/** The bench's ports (the stack's services keep theirs). */
export const PORTS = {
  ingest: 18080,
  ingestOps: 18088,
  enrich: 18081,
  sink: 18082,
  alerts: 18083,
  bare: 18090,
};
/** wrk as issue 16 runs it: 1 thread, 50 connections. */
export const WRK = { connections: 50, durationS: 10 };

/**
 * Starts ingest on the bench port writing to `topic`. Rate limits are off (one client IP), or
 * with `limits` checked in Redis on every request but set too high to throttle the bench.
 */
export async function startIngest(
  env: BenchEnv,
  topic: string,
  opts: { limits?: boolean } = {},
): Promise<BenchChild> {
  const limit = opts.limits ? "1000000000" : "0";
  const child = spawnDeno("ingest", "ingest/main.ts", {
    logDir: env.logDir,
    env: {
      ...env.baseEnv,
      PORT: String(PORTS.ingest),
      OPS_PORT: String(PORTS.ingestOps),
      TOPIC_RAW: topic,
      INGEST_ENSURE_TOPIC: "false",
      INGEST_RATE_LIMIT_KEY_EVENTS: limit,
      INGEST_RATE_LIMIT_IP_EVENTS: limit,
      INGEST_RATE_LIMIT_KEY_IP_EVENTS: limit,
    },
  });
  await waitReady(`http://127.0.0.1:${PORTS.ingest}/readyz`, child);
  return child;
}

function wrk(url: string, script: string): Promise<WrkResult> {
  return runWrk(url, script, WRK);
}

/** Single-event ingest vs a bare Deno.serve JSON handler, both under wrk with the same body. */
export async function measureSingle(
  env: BenchEnv,
): Promise<NonNullable<BenchResults["ingestSingle"]>> {
  const event = createShop({ seed: 1 }).next(Date.now());
  const script = wrkScript(singleBody({ ...event, timestamp: new Date().toISOString() }), {
    Authorization: `Basic ${btoa(`${env.writeKey}:`)}`,
    "User-Agent": event.context.userAgent,
  });
  const bareChild = spawnDeno("bare", "bench/suite/bare_server.ts", {
    logDir: env.logDir,
    env: {},
    args: [String(PORTS.bare)],
  });
  let bare: WrkResult;
  try {
    await waitChildReady(bareChild, () => tcpOpen("127.0.0.1", PORTS.bare), {
      timeoutMs: 10_000,
      what: `the bare server on 127.0.0.1:${PORTS.bare}`,
    });
    bare = await wrk(`http://127.0.0.1:${PORTS.bare}/api/v1/event`, script);
  } finally {
    await bareChild.stop();
  }
  const ingest = await startIngest(env, env.topics.wrk);
  try {
    const result = await wrk(`http://127.0.0.1:${PORTS.ingest}/api/v1/event`, script);
    if (result.non2xx > result.requests / 100) {
      throw new Error(
        `ingest answered ${result.non2xx} of ${result.requests} requests with non-2xx; see ${ingest.log}`,
      );
    }
    return { ingest: result, bare, connections: WRK.connections, durationS: WRK.durationS };
  } finally {
    await ingest.stop();
  }
}

/** Batch ingest (closed loop, batches of 100) vs Kafka's producer benchmark at the same record size. */
export async function measureBatch(
  env: BenchEnv,
): Promise<NonNullable<BenchResults["ingestBatch"]>> {
  const batch = 100;
  const ingest = await startIngest(env, env.topics.wrk);
  let bytes = 0;
  let summary;
  try {
    summary = await runMax({
      shop: createShop({ seed: 2 }),
      send: createHttpSender(`http://127.0.0.1:${PORTS.ingest}`, { writeKey: env.writeKey }),
      onAnswered: (req) => bytes += req.body.length,
    }, { durationS: 10, batch, concurrency: 8 });
  } finally {
    await ingest.stop();
  }
  if (summary.accepted === 0) {
    throw new Error(`batch ingest accepted nothing: ${summary.errorSamples.join("; ")}`);
  }
  const avgEventBytes = Math.round(bytes / summary.sent);
  const records = Math.min(1_000_000, Math.max(200_000, Math.round(summary.achievedRate * 10)));
  const kafka = await runProducerPerf({
    topic: env.topics.perf,
    records,
    recordSize: avgEventBytes,
    brokers: env.brokers,
  });
  return { eventsPerSec: summary.achievedRate, batch, avgEventBytes, kafka };
}

/** Runs the sink engineer's store benchmark (bench/sink/throughput.ts) and reads its lines. */
export async function measureSink(env: BenchEnv): Promise<NonNullable<BenchResults["sink"]>> {
  const out = await runCommand(`${Deno.cwd()}/node_modules/.bin/deno`, [
    "run",
    "-A",
    "bench/sink/throughput.ts",
    "--events",
    "50000",
    "--batch",
    "5000",
  ], { env: env.baseEnv });
  await Deno.writeTextFile(`${env.logDir}/sink_bench.log`, out);
  return parseSinkBench(out);
}

/** Parses `clickhouse: sink 41234 rows/s (50000 rows, 1.21 s) vs one bulk insert 80000 rows/s (…)`. */
export function parseSinkBench(
  out: string,
): { clickhouse: StoreFigures | null; postgres: StoreFigures | null } {
  const read = (store: string): StoreFigures | null => {
    const m = new RegExp(
      `^${store}: sink (\\d+) rows/s \\((\\d+) rows, [\\d.]+ s\\) vs (.+?) (\\d+) rows/s`,
      "m",
    ).exec(out);
    return m
      ? {
        sinkRowsPerSec: Number(m[1]),
        rows: Number(m[2]),
        baseline: m[3]!,
        baselineRowsPerSec: Number(m[4]),
      }
      : null;
  };
  const figures = { clickhouse: read("clickhouse"), postgres: read("postgres") };
  if (!figures.clickhouse && !figures.postgres) {
    throw new Error(`sink bench printed no figures:\n${out.slice(-1500)}`);
  }
  return figures;
}

/** Runs the stand-in's insert benchmark (bench/clickhouse/insert.ts) and reads its summary. */
export async function measureStandIn(env: BenchEnv): Promise<StandInFigures> {
  const out = await runCommand(`${Deno.cwd()}/node_modules/.bin/deno`, [
    "run",
    "-A",
    "bench/clickhouse/insert.ts",
    "--rows",
    "30000",
    "--runs",
    "1",
  ]);
  await Deno.writeTextFile(`${env.logDir}/clickhouse_insert_bench.log`, out);
  return parseStandInBench(out);
}

/**
 * Parses `rows: 30000 (…)` and `stand-in: 7055 rows/s (cpu 42 µs/row) vs chdb in-process 9623
 * rows/s (cpu 41 µs/row): …`.
 */
export function parseStandInBench(out: string): StandInFigures {
  const rows = /^rows: (\d+)/m.exec(out);
  const m =
    /^stand-in: (\d+) rows\/s \(cpu (\d+) µs\/row\) vs chdb in-process (\d+) rows\/s \(cpu (\d+) µs\/row\)/m
      .exec(out);
  if (!rows || !m) throw new Error(`stand-in bench printed no figures:\n${out.slice(-1500)}`);
  return {
    rows: Number(rows[1]),
    standInRowsPerSec: Number(m[1]),
    standInCpuUsPerRow: Number(m[2]),
    baselineRowsPerSec: Number(m[3]),
    baselineCpuUsPerRow: Number(m[4]),
  };
}
