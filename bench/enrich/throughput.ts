/**
 * Events per second of one enrich instance's pipeline (all steps, real Redis and PostgreSQL,
 * batch handler with an in-memory producer, so Kafka time is excluded). Through Kafka and the
 * real service: `throughput_kafka.ts`.
 *
 *   node_modules/.bin/deno run -A bench/enrich/throughput.ts [events=20000] [visitors=500]
 */
import process from "node:process";
import { createLogger } from "../../shared/log.ts";
import { createRegistry } from "../../shared/metrics.ts";
import { createPostgres } from "../../shared/postgres/mod.ts";
import { createRedis } from "../../shared/redis/mod.ts";
import type { Batch } from "../../shared/kafka/mod.ts";
import { benchEvents } from "./_events.ts";
import { argsOrExit } from "../../shared/cli.ts";
import { ENRICH_THROUGHPUT_USAGE, parseEnrichThroughputArgs } from "../args.ts";
import { TEST_ENV } from "../../shared/testing/stores.ts";
import { loadConfig } from "../../enrich/config.ts";
import { createBatchHandler } from "../../enrich/handler.ts";
import { createEnrichMetrics } from "../../enrich/metrics.ts";
import { buildEnrichment } from "../../enrich/wiring.ts";

const { total, visitors } = argsOrExit(
  ENRICH_THROUGHPUT_USAGE,
  () => parseEnrichThroughputArgs(Deno.args),
);
const prefix = `test_enrich_bench_${crypto.randomUUID().slice(0, 8)}:`;
const config = loadConfig({ DATABASE_URL: TEST_ENV.DATABASE_URL });
const redis = createRedis(config.REDIS_URL);
await redis.ping();
const sql = createPostgres(TEST_ENV.DATABASE_URL, { max: 10 });
await sql`INSERT INTO currency_rates (currency, rate_to_base) VALUES ('EUR', 1.08)
  ON CONFLICT (currency) DO NOTHING`;
const metrics = createEnrichMetrics(createRegistry("enrich", { processMetrics: false }));
const logger = createLogger("enrich", { level: "error" });
const enrichment = await buildEnrichment(config, {
  redis,
  sql,
  metrics,
  logger,
  keyPrefix: prefix,
});
let produced = 0;
const handler = createBatchHandler({
  prepare: enrichment.prepare,
  producer: { send: (_t, m) => (produced += m.length, Promise.resolve()) },
  topics: { enriched: "e", deadLetter: "d" },
  metrics,
  logger,
});
const encoder = new TextEncoder();
const messages = benchEvents(total, visitors).map((event, i) => ({
  topic: "raw",
  partition: 0,
  offset: String(i),
  key: null,
  headers: {},
  timestamp: "0",
  value: encoder.encode(JSON.stringify(event)),
}));
// Warm-up (JIT, caches, connections), not counted: the steady cost is the one that scales.
await handler({
  topic: "raw",
  partition: 0,
  messages: messages.slice(0, 500),
  lastOffset: messages[499]?.offset ?? "0",
});
produced = 0;
const cpuStart = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < total; i += 500) {
  const slice = messages.slice(i, i + 500);
  const batch: Batch = {
    topic: "raw",
    partition: 0,
    messages: slice,
    lastOffset: slice.at(-1)!.offset,
  };
  await handler(batch);
}
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const errors = (await metrics.stepErrors.get()).values.map((v) => `${v.labels.step}=${v.value}`);
console.log(`step errors: ${errors.join(" ") || "none"}`);
console.log(
  `${produced} events in ${seconds.toFixed(2)} s = ${Math.round(produced / seconds)} events/s; ` +
    `CPU (user + system, whole process) ${
      ((cpu.user + cpu.system) / 1e6 / produced * 1000)
        .toFixed(3)
    } s per 1,000 events`,
);
const keys = await redis.keys(`${prefix}*`);
for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
enrichment.stop();
await sql.end();
redis.disconnect();
