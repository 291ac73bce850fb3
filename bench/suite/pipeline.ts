/**
 * The whole pipeline as users run it: ingest (rate limits on), enrich, sink (ClickHouse and
 * PostgreSQL) and alerts, all up at once. Measured here: single-event ingest under wrk while
 * everything consumes, the max sustained end-to-end rate (open-loop steps), freshness at half
 * that rate, and CPU seconds per 1,000 events per service.
 */
import { createShop } from "../loadgen/model/mod.ts";
import { runRate } from "../loadgen/runner.ts";
import { createHttpSender } from "../loadgen/sender.ts";
import { BRIEF_EXAMPLE } from "../../ingest/testing/fixtures.ts";
import { sleep } from "../../shared/time.ts";
import { bucketDelta, buckets, histogramQuantile, parseProm, type Sample, sumOf } from "./prom.ts";
import { type BenchChild, cpuSeconds, spawnDeno, waitReady } from "./proc.ts";
import { type BenchEnv, PORTS, startIngest, WRK } from "./phases.ts";
import type { BenchResults, LoadedSingle, SustainStep } from "./results.ts";
import { runWrk, wrkScript } from "./wrk.ts";

/** Settings of {@link measureWholePipeline}. */
export interface PipelineOptions {
  /** Seconds of each open-loop step of the sustained-rate search (issue 16: 60). */
  sustainS: number;
  /** First rate tried, events/s; each step that is not sustained is followed by one 0.6× lower. */
  startRate: number;
  /** Most steps of the search. */
  maxSteps: number;
  onLine: (s: string) => void;
}

/** What {@link measureWholePipeline} measured. */
export interface PipelineFigures {
  loadedSingle: LoadedSingle | null;
  sustain: NonNullable<BenchResults["sustain"]>;
  freshness: NonNullable<BenchResults["freshness"]>;
  cpuPer1000: Record<string, number>;
}

const FRESHNESS = "eventflow_sink_event_freshness_seconds";
const WRITTEN = "eventflow_sink_rows_written_total";
const STORES = ["clickhouse", "postgres"] as const;
// Consumers sample their lag this often, so a step sees it grow.
const LAG_INTERVAL_MS = "1000";

async function scrape(port: number): Promise<Sample[]> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return parseProm(await res.text());
}

/** Starts the four services on the bench topics; limits on (too high to throttle the bench). */
async function startAll(env: BenchEnv): Promise<BenchChild[]> {
  const children: BenchChild[] = [];
  const consumerEnv = (port: number, group: string) => ({
    ...env.baseEnv,
    PORT: String(port),
    TOPIC_RAW: env.topics.raw,
    TOPIC_ENRICHED: env.topics.enriched,
    TOPIC_DEAD_LETTER: env.topics.dlq,
    CONSUMER_GROUP: group,
    LAG_INTERVAL_MS,
  });
  try {
    children.push(await startIngest(env, env.topics.raw, { limits: true }));
    const enrich = spawnDeno("enrich", "enrich/main.ts", {
      logDir: env.logDir,
      env: consumerEnv(PORTS.enrich, `bench_enrich_${env.id}`),
    });
    children.push(enrich);
    const sink = spawnDeno("sink", "sink/main.ts", {
      logDir: env.logDir,
      env: {
        ...consumerEnv(PORTS.sink, `bench_sink_${env.id}`),
        SINK_CLICKHOUSE_GROUP: `bench_sink_ch_${env.id}`,
        SINK_POSTGRES_GROUP: `bench_sink_pg_${env.id}`,
      },
    });
    children.push(sink);
    const alerts = spawnDeno("alerts", "alerts/main.ts", {
      logDir: env.logDir,
      env: consumerEnv(PORTS.alerts, `bench_alerts_${env.id}`),
    });
    children.push(alerts);
    await waitReady(`http://127.0.0.1:${PORTS.enrich}/readyz`, enrich);
    await waitReady(`http://127.0.0.1:${PORTS.sink}/readyz`, sink);
    await waitReady(`http://127.0.0.1:${PORTS.alerts}/readyz`, alerts);
    return children;
  } catch (error) {
    for (const c of children.reverse()) await c.stop();
    throw error;
  }
}

/** Rows the sink wrote per store so far. */
async function written(): Promise<Record<(typeof STORES)[number], number>> {
  const samples = await scrape(PORTS.sink);
  return {
    clickhouse: sumOf(samples, WRITTEN, { store: "clickhouse" }),
    postgres: sumOf(samples, WRITTEN, { store: "postgres" }),
  };
}

/** Largest lag of any partition of any consumer group, from enrich, sink and alerts. */
async function maxLag(): Promise<number> {
  let max = 0;
  for (const port of [PORTS.enrich, PORTS.sink, PORTS.alerts]) {
    const samples = await scrape(port).catch(() => [] as Sample[]);
    for (const s of samples) if (s.name === "eventflow_consumer_lag") max = Math.max(max, s.value);
  }
  return max;
}

/** Seconds until ClickHouse holds `target` more events than `base`; null after `timeoutS`. */
async function drainSeconds(
  base: number,
  target: number,
  timeoutS: number,
): Promise<number | null> {
  const started = performance.now();
  while ((performance.now() - started) / 1000 < timeoutS) {
    if ((await written()).clickhouse - base >= target) return (performance.now() - started) / 1000;
    await sleep(250);
  }
  return null;
}

/** The largest freshness p95 of the two stores between two scrapes. */
function freshnessP95(before: Sample[], after: Sample[]): number | null {
  let worst: number | null = null;
  for (const store of STORES) {
    const delta = bucketDelta(
      buckets(before, FRESHNESS, { store }),
      buckets(after, FRESHNESS, { store }),
    );
    const p95 = histogramQuantile(0.95, delta);
    if (p95 !== null) worst = Math.max(worst ?? 0, p95);
  }
  return worst;
}

/** One open-loop step: `rate` events/s for `durationS`, judged as issue 16 defines sustained. */
async function sustainStep(
  env: BenchEnv,
  rate: number,
  durationS: number,
  seed: number,
): Promise<SustainStep> {
  const send = createHttpSender(`http://127.0.0.1:${PORTS.ingest}`, { writeKey: env.writeKey });
  const before = await scrape(PORTS.sink);
  const base = sumOf(before, WRITTEN, { store: "clickhouse" });
  let lag = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      lag = Math.max(lag, await maxLag());
      await sleep(1000);
    }
  })();
  const load = await runRate({ shop: createShop({ seed }), send }, { rate, durationS, batch: 10 });
  sampling = false;
  await sampler;
  // Freshness ≤ 2 s means a sustained pipeline has everything stored within a few seconds.
  const drainS = await drainSeconds(base, load.accepted, 30);
  const after = await scrape(PORTS.sink);
  const p95 = freshnessP95(before, after);
  const expected = rate * durationS;
  const reasons: string[] = [];
  if (load.accepted < expected * 0.99) {
    const why = load.errorSamples[0];
    reasons.push(
      `ingest accepted ${load.accepted} of ${Math.round(expected)}${
        why ? ` (${why.slice(0, 120)})` : ""
      }`,
    );
  }
  if (p95 === null || p95 > 2) reasons.push(`freshness p95 ${p95?.toFixed(2) ?? "–"} s > 2 s`);
  // Bounded: never more than 2 s of events behind, the same bound as freshness.
  if (lag > rate * 2) reasons.push(`lag reached ${Math.round(lag)} messages (> 2 s of load)`);
  if (drainS === null) reasons.push("not stored within 30 s after the load");
  return {
    rate,
    durationS,
    accepted: load.accepted,
    storedClickhouse: sumOf(after, WRITTEN, { store: "clickhouse" }) - base,
    freshnessP95S: p95,
    maxLag: lag,
    drainS,
    sustained: reasons.length === 0,
    reason: reasons.length === 0 ? null : reasons.join("; "),
  };
}

/** wrk with a fresh user id per request, while everything runs; then how long the drain took. */
async function loadedSingle(env: BenchEnv): Promise<LoadedSingle> {
  const marker = "__EVENTFLOW_USER__";
  const body = JSON.stringify({
    ...BRIEF_EXAMPLE,
    user_id: `bench_${env.id}_${marker}`,
    timestamp: new Date().toISOString(),
  });
  const script = wrkScript(body, { Authorization: `Basic ${btoa(`${env.writeKey}:`)}` }, {
    counter: marker,
  });
  const base = (await written()).clickhouse;
  const ingest = await runWrk(`http://127.0.0.1:${PORTS.ingest}/api/v1/event`, script, WRK);
  const accepted = ingest.requests - ingest.non2xx;
  return {
    ingest,
    connections: WRK.connections,
    durationS: WRK.durationS,
    drainS: await drainSeconds(base, accepted, 60),
  };
}

/**
 * Runs the whole pipeline: single-event ingest under wrk, the sustained-rate search, then
 * freshness and CPU at half the best sustained rate.
 */
export async function measureWholePipeline(
  env: BenchEnv,
  opts: PipelineOptions,
): Promise<PipelineFigures> {
  const children = await startAll(env);
  try {
    const single = await loadedSingle(env);
    opts.onLine(
      `  whole pipeline, wrk: ${
        Math.round(single.ingest.requestsPerSec)
      } req/s, p99 ${single.ingest.latencyMs.p99} ms, drained ${single.drainS?.toFixed(1) ?? "no"}`,
    );
    const steps: SustainStep[] = [];
    let rate = opts.startRate;
    for (let i = 0; i < opts.maxSteps; i++) {
      const step = await sustainStep(env, rate, opts.sustainS, 10 + i);
      steps.push(step);
      opts.onLine(
        `  ${Math.round(rate)} events/s for ${opts.sustainS} s: ${
          step.sustained ? "sustained" : step.reason
        }`,
      );
      if (step.sustained) break;
      rate = Math.max(50, Math.round(rate * 0.6));
    }
    const best = steps.filter((s) => s.sustained).map((s) => s.rate);
    const maxSustainedRate = best.length > 0 ? Math.max(...best) : null;
    // Without a sustained step, half the lowest rate tried still says how fresh a light load is.
    const half = Math.max(
      10,
      Math.round((maxSustainedRate ?? Math.min(...steps.map((s) => s.rate))) / 2),
    );
    const before = await scrape(PORTS.sink);
    const base = sumOf(before, WRITTEN, { store: "clickhouse" });
    const cpuBefore = await Promise.all(children.map((c) => cpuSeconds(c.pid)));
    const durationS = 30;
    const send = createHttpSender(`http://127.0.0.1:${PORTS.ingest}`, { writeKey: env.writeKey });
    const load = await runRate({ shop: createShop({ seed: 4 }), send }, {
      rate: half,
      durationS,
      batch: 10,
    });
    await drainSeconds(base, load.accepted, 60);
    const cpuAfter = await Promise.all(children.map((c) => cpuSeconds(c.pid)));
    const after = await scrape(PORTS.sink);
    const delta = bucketDelta(
      buckets(before, FRESHNESS, { store: "clickhouse" }),
      buckets(after, FRESHNESS, { store: "clickhouse" }),
    );
    const cpuPer1000: Record<string, number> = {};
    children.forEach((c, i) => {
      cpuPer1000[c.name] = ((cpuAfter[i]! - cpuBefore[i]!) / Math.max(load.accepted, 1)) * 1000;
    });
    return {
      loadedSingle: single,
      sustain: { steps, maxSustainedRate },
      freshness: {
        rateEventsPerSec: half,
        maxRateEventsPerSec: maxSustainedRate ?? 0,
        durationS,
        events: load.accepted,
        store: "clickhouse",
        p50S: histogramQuantile(0.5, delta),
        p95S: histogramQuantile(0.95, delta),
        p99S: histogramQuantile(0.99, delta),
      },
      cpuPer1000,
    };
  } finally {
    for (const c of children.reverse()) await c.stop();
  }
}
