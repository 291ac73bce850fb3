/** The suite's measurements, each a function of a prepared environment. */
import { createShop, singleBody } from "../loadgen/model/mod.ts";
import { runBackfill, runMax, runRate } from "../loadgen/runner.ts";
import { createHttpSender } from "../loadgen/sender.ts";
import { runProducerPerf } from "./kafka_perf.ts";
import { bucketDelta, buckets, histogramQuantile, parseProm, type Sample, sumOf } from "./prom.ts";
import { type BenchChild, cpuSeconds, runCommand, spawnDeno, waitReady } from "./proc.ts";
import type { BenchResults, StoreFigures } from "./results.ts";
import { tcpOpen, waitChildReady } from "../../shared/process/mod.ts";
import { runWrk, type WrkResult, wrkScript } from "./wrk.ts";
import { sleep } from "../../shared/time.ts";

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

const PORTS = { ingest: 18080, ingestOps: 18088, enrich: 18081, sink: 18082, bare: 18090 };
const WRK = { connections: 50, durationS: 10 };

/** Starts ingest on the bench port writing to `topic`, with rate limits off (one client IP). */
export async function startIngest(env: BenchEnv, topic: string): Promise<BenchChild> {
  const child = spawnDeno("ingest", "ingest/main.ts", {
    logDir: env.logDir,
    env: {
      ...env.baseEnv,
      PORT: String(PORTS.ingest),
      OPS_PORT: String(PORTS.ingestOps),
      TOPIC_RAW: topic,
      INGEST_ENSURE_TOPIC: "false",
      INGEST_RATE_LIMIT_KEY_EVENTS: "0",
      INGEST_RATE_LIMIT_IP_EVENTS: "0",
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

async function scrape(port: number): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return parseProm(await res.text());
}

async function waitForCount(
  read: () => Promise<number>,
  target: number,
  timeoutMs: number,
): Promise<{ count: number; firstMs: number; lastMs: number }> {
  const start = performance.now();
  const initial = await read();
  let count = initial;
  let firstMs = NaN;
  let lastMs = start;
  while (count < target && performance.now() - start < timeoutMs) {
    await sleep(200);
    const now = await read();
    if (now > count) {
      if (Number.isNaN(firstMs)) firstMs = performance.now();
      lastMs = performance.now();
    }
    count = now;
  }
  return { count, firstMs: Number.isNaN(firstMs) ? start : firstMs, lastMs };
}

/**
 * The whole pipeline (ingest → enrich → sink): first a backlog drain to find the sustainable
 * rate, then open-loop load at half of it, reading freshness from the sink's histogram and CPU
 * from /proc for each service.
 */
export async function measurePipeline(
  env: BenchEnv,
  opts: {
    ingestMaxEventsPerSec: number | null;
    sinkMaxRowsPerSec: number | null;
    onLine: (s: string) => void;
  },
): Promise<
  {
    freshness: NonNullable<BenchResults["freshness"]>;
    cpuPer1000: Record<string, number>;
    drain: Record<string, number>;
  }
> {
  const children: BenchChild[] = [];
  try {
    children.push(await startIngest(env, env.topics.raw));
    const enrich = spawnDeno("enrich", "enrich/main.ts", {
      logDir: env.logDir,
      env: {
        ...env.baseEnv,
        PORT: String(PORTS.enrich),
        TOPIC_RAW: env.topics.raw,
        TOPIC_ENRICHED: env.topics.enriched,
        TOPIC_DEAD_LETTER: env.topics.dlq,
        CONSUMER_GROUP: `bench_enrich_${env.id}`,
      },
    });
    children.push(enrich);
    await waitReady(`http://127.0.0.1:${PORTS.enrich}/readyz`, enrich);
    const sink = spawnDeno("sink", "sink/main.ts", {
      logDir: env.logDir,
      env: {
        ...env.baseEnv,
        PORT: String(PORTS.sink),
        TOPIC_ENRICHED: env.topics.enriched,
        TOPIC_DEAD_LETTER: env.topics.dlq,
        SINK_CLICKHOUSE_GROUP: `bench_sink_ch_${env.id}`,
        SINK_POSTGRES_GROUP: `bench_sink_pg_${env.id}`,
      },
    });
    children.push(sink);
    await waitReady(`http://127.0.0.1:${PORTS.sink}/readyz`, sink);

    const send = createHttpSender(`http://127.0.0.1:${PORTS.ingest}`, { writeKey: env.writeKey });
    const enrichCount = async () =>
      sumOf(await scrape(PORTS.enrich), "eventflow_enrich_consumed_total");
    const sinkCount = async () =>
      sumOf(await scrape(PORTS.sink), "eventflow_sink_rows_written_total", { store: "clickhouse" });

    // 1. Backlog drain: 30,000 events as fast as ingest takes them; enrich's drain rate is its
    // capacity. The sink consumes concurrently, so its drain is paced by enrich and says nothing
    // about its own capacity: the sink store bench figure stands in for it.
    const e0 = await enrichCount();
    const s0 = await sinkCount();
    const backlog = await runBackfill({ shop: createShop({ seed: 3 }), send }, {
      total: 30_000,
      days: 1,
      batch: 500,
      concurrency: 4,
    });
    const e = await waitForCount(async () => (await enrichCount()) - e0, backlog.accepted, 120_000);
    await waitForCount(async () => (await sinkCount()) - s0, backlog.accepted, 120_000);
    const enrichRate = e.count / Math.max((e.lastMs - e.firstMs) / 1000, 0.001);
    opts.onLine(
      `  drain: enrich ${Math.round(enrichRate)} events/s over ${backlog.accepted} events`,
    );
    const candidates = [
      enrichRate,
      opts.sinkMaxRowsPerSec ?? Infinity,
      opts.ingestMaxEventsPerSec ?? Infinity,
    ];
    const maxRate = Math.min(...candidates);
    const rate = Math.max(10, Math.round(maxRate / 2));

    // 2. Open-loop load at half the maximum.
    const before = await scrape(PORTS.sink);
    const cpuBefore = await Promise.all(children.map((c) => cpuSeconds(c.pid)));
    const sBefore = sumOf(before, "eventflow_sink_rows_written_total", { store: "clickhouse" });
    const durationS = 30;
    const load = await runRate({ shop: createShop({ seed: 4 }), send }, {
      rate,
      durationS,
      batch: 10,
    });
    await waitForCount(async () => (await sinkCount()) - sBefore, load.accepted, 60_000);
    const cpuAfter = await Promise.all(children.map((c) => cpuSeconds(c.pid)));
    const after = await scrape(PORTS.sink);
    const name = "eventflow_sink_event_freshness_seconds";
    const delta = bucketDelta(
      buckets(before, name, { store: "clickhouse" }),
      buckets(after, name, { store: "clickhouse" }),
    );
    const cpuPer1000: Record<string, number> = {};
    children.forEach((c, i) => {
      cpuPer1000[c.name] = ((cpuAfter[i]! - cpuBefore[i]!) / Math.max(load.accepted, 1)) * 1000;
    });
    return {
      freshness: {
        rateEventsPerSec: rate,
        maxRateEventsPerSec: Math.round(maxRate),
        durationS,
        events: load.accepted,
        store: "clickhouse",
        p50S: histogramQuantile(0.5, delta),
        p95S: histogramQuantile(0.95, delta),
        p99S: histogramQuantile(0.99, delta),
      },
      cpuPer1000,
      drain: { enrichEventsPerSec: Math.round(enrichRate) },
    };
  } finally {
    for (const c of children.reverse()) await c.stop();
  }
}
