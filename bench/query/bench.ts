/**
 * Latency of every query API endpoint, uncached and cached, at 1 and 8 concurrent clients,
 * against a real query service process over data seeded by bench/query/seed.ts.
 *
 *   CLICKHOUSE_DATABASE=eventflow_qbench deno run -A bench/query/seed.ts --events 100000 --multiply 100
 *   deno run -A bench/query/bench.ts [--database eventflow_qbench] [--uncached 6] [--cached 200]
 *     [--only active-users,revenue]   # these endpoints alone
 *
 * Each uncached request moves the range end by a millisecond, so it is a new cache key doing the
 * same work; cached requests repeat one warmed key. Prints a markdown table, one row per endpoint,
 * cache state and client count, with p50/p95 (ms) as the client saw them, p50/p95 of ClickHouse's
 * own execution time (the service's `Server-Timing`; the local stand-in runs one query at a time,
 * so on a shared machine the difference is waiting for the engine), the brief's p95 target and
 * whether it was met, and the load average, labelled "loaded machine" when above one per CPU.
 * Env: DATABASE_URL (migrated; a token is created there and deleted after), REDIS_URL,
 * CLICKHOUSE_URL, CLICKHOUSE_USER/PASSWORD (the service reads as this user), QUERY_MAX_EXECUTION_SECONDS.
 */
import { parseArgs } from "node:util";
import { createPostgres } from "../../shared/postgres/mod.ts";
import { migratePostgres } from "../../shared/postgres/migrate.ts";
import { createRedis } from "../../shared/redis/mod.ts";
import { serviceEntry, startService } from "../../shared/testing/service_process.ts";
import { createTokenStore } from "../../query/adapters/tokens.ts";

/** Endpoint, its query, and the brief's p95 target for an uncached answer (ms). */
const ENDPOINTS: [name: string, path: string, targetMs: number][] = [
  ["active-users", "/api/v1/active-users?compare=previous", 300],
  ["events", "/api/v1/events?limit=10", 300],
  ["revenue", "/api/v1/revenue?compare=previous", 300],
  ["funnel", "/api/v1/funnel?compare=previous&window=1d", 1000],
  ["cohorts", "/api/v1/cohorts?weeks=4", 1000],
  ["campaigns", "/api/v1/campaigns?by=campaign", 1000],
  ["geography", "/api/v1/geography?level=city", 1000],
  ["products", "/api/v1/products?sort=revenue", 1000],
];

/** The brief's target for any cached answer, p95 (ms). */
const CACHED_TARGET_MS = 5;

/** The machine and how busy it was: above one runnable process per CPU it is "loaded". */
function machine(before: number, after: number): string {
  const cpus = navigator.hardwareConcurrency;
  const label = Math.max(before, after) > cpus ? "loaded machine" : "quiet machine";
  return `${cpus} CPUs, load average ${before.toFixed(1)} at start and ${
    after.toFixed(1)
  } at end (${label})`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

async function timed(
  url: string,
  token: string,
): Promise<{ ms: number; cache: string; engineMs: number | null }> {
  const started = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.arrayBuffer();
  const ms = performance.now() - started;
  if (res.status !== 200) {
    throw new Error(`${url} answered ${res.status}: ${new TextDecoder().decode(body)}`);
  }
  // The service's Server-Timing: ClickHouse's own execution time, waiting for the engine excluded.
  const engine = /clickhouse;dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "");
  return {
    ms,
    cache: res.headers.get("x-cache") ?? "",
    engineMs: engine ? Number(engine[1]) : null,
  };
}

/** Latencies of the answers that succeeded, their engine times, and the errors of the others. */
interface Samples {
  times: number[];
  engine: number[];
  errors: string[];
}

async function run(
  clients: number,
  requests: number,
  next: (i: number) => string,
  token: string,
  expect: string,
): Promise<Samples> {
  const out: Samples = { times: [], engine: [], errors: [] };
  let i = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (i < requests) {
      try {
        const r = await timed(next(i++), token);
        if (r.cache !== expect) throw new Error(`expected X-Cache ${expect}, got ${r.cache}`);
        out.times.push(r.ms);
        if (r.engineMs !== null) out.engine.push(r.engineMs);
      } catch (error) {
        out.errors.push((error as Error).message);
      }
    }
  }));
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      database: { type: "string", default: "eventflow_qbench" },
      uncached: { type: "string", default: "6" },
      cached: { type: "string", default: "200" },
      days: { type: "string", default: "30" },
      only: { type: "string" },
    },
  });
  const databaseUrl = Deno.env.get("DATABASE_URL") ??
    "postgres://postgres@127.0.0.1:5432/eventflow";
  const redisUrl = Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379/0";
  const id = `bench_${crypto.randomUUID().slice(0, 8)}`;
  const prefix = `ef:bench:${id}:`;
  const sql = createPostgres(databaseUrl, { max: 1 });
  await migratePostgres(sql);
  const { token } = await createTokenStore(sql).create(id);
  const redis = createRedis(redisUrl);
  try {
    await using service = await startService(serviceEntry("query"), {
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redisUrl,
        CLICKHOUSE_URL: Deno.env.get("CLICKHOUSE_URL") ?? "http://127.0.0.1:8123",
        CLICKHOUSE_DATABASE: values.database!,
        CLICKHOUSE_USER: Deno.env.get("CLICKHOUSE_USER") ?? "default",
        CLICKHOUSE_PASSWORD: Deno.env.get("CLICKHOUSE_PASSWORD") ?? "",
        QUERY_CACHE_PREFIX: prefix,
        // The service's 20 s limit unless told otherwise (the stand-in allows up to 60 s).
        QUERY_MAX_EXECUTION_SECONDS: Deno.env.get("QUERY_MAX_EXECUTION_SECONDS") ?? "20",
        LOG_LEVEL: "warn",
      },
    });
    const [before] = Deno.loadavg();
    const to = Date.now();
    const from = to - Number(values.days) * 86_400_000;
    const range = (shiftMs: number) =>
      `from=${new Date(from).toISOString()}&to=${new Date(to + shiftMs).toISOString()}`;
    const rows: string[] = [
      "| endpoint | cache | clients | p50 ms | p95 ms | engine p50 / p95 ms | target p95 | met |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ];
    const line = (name: string, cache: string, clients: number, s: Samples, target: number) => {
      const n = s.times.length + s.errors.length;
      const failed = s.errors.length > 0 ? ` (${s.errors.length}/${n} failed)` : "";
      const [p50, p95] = s.times.length === 0
        ? ["—", "—"]
        : [percentile(s.times, 0.5).toFixed(1), percentile(s.times, 0.95).toFixed(1)];
      const engine = s.engine.length === 0
        ? "—"
        : `${percentile(s.engine, 0.5).toFixed(1)} / ${percentile(s.engine, 0.95).toFixed(1)}`;
      const met = s.errors.length === 0 && s.times.length > 0 &&
        percentile(s.times, 0.95) <= target;
      rows.push(
        `| ${name} | ${cache} | ${clients} | ${p50} | ${p95}${failed} | ${engine} | ≤ ${target} ms | ${
          met ? "met" : "**not met**"
        } |`,
      );
      console.error(rows.at(-1));
    };
    let shift = 1;
    const only = values.only?.split(",");
    for (const [name, path, target] of ENDPOINTS) {
      if (only !== undefined && !only.includes(name)) continue;
      const url = (s: number) => `${service.url}${path}&${range(s)}`;
      const u1 = await run(1, Number(values.uncached), () => url(shift++), token, "miss");
      line(name, "uncached", 1, u1, target);
      const u8 = await run(8, Number(values.uncached) * 4, () => url(shift++), token, "miss");
      line(name, "uncached", 8, u8, target);
      const warm = url(0);
      // A warm-up that fails leaves nothing cached: the cached rows then count as failed.
      await timed(warm, token).catch((error) => console.error(`  ${name}: ${error.message}`));
      const c1 = await run(1, Number(values.cached), () => warm, token, "hit");
      line(name, "cached", 1, c1, CACHED_TARGET_MS);
      const c8 = await run(8, Number(values.cached), () => warm, token, "hit");
      line(name, "cached", 8, c8, CACHED_TARGET_MS);
      for (const e of new Set([...u1.errors, ...u8.errors, ...c1.errors, ...c8.errors])) {
        console.error(`  ${name}: ${e.slice(0, 300)}`);
      }
    }
    const [after] = Deno.loadavg();
    console.log(
      `Measured ${new Date().toISOString()} on ${values.database}: ${machine(before!, after!)}\n`,
    );
    console.log(rows.join("\n"));
  } finally {
    await sql`DELETE FROM query_api_tokens WHERE name = ${id}`;
    await sql.end();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

if (import.meta.main) await main();
