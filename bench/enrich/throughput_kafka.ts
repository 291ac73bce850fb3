/**
 * Events per second of the real `enrich/main.ts` THROUGH Kafka: N raw events are produced to a
 * fresh `test_enrich_*` raw topic (6 partitions, as the pipeline's topics), then the service is
 * started on it and the bench polls its /metrics until Kafka acknowledged all N enriched events
 * (`eventflow_enrich_produced_total`), then reads the enriched topic back to check the count.
 *
 *   node_modules/.bin/deno run -A bench/enrich/throughput_kafka.ts [events=20000] [visitors=500]
 *
 * Reports the steady rate (first to last acknowledged batch, the figure that matters for keeping
 * up) and the rate from the service's start (includes joining the consumer group).
 * Extra service settings come from the environment, e.g. `ENRICH_BATCH_SIZE=1000`. Also reports
 * the service's CPU seconds (user + system, /proc) per 1,000 events over the steady part;
 * `BENCH_CPU_PROF_DIR=<dir>` runs it with `--cpu-prof` and writes the profile there.
 */
import { generateDeadLetterKey } from "../../shared/events/mod.ts";
import { partitionKey } from "../../shared/events/mod.ts";
import { createRedis } from "../../shared/redis/mod.ts";
import { produce, readTopicUntil, testTopics } from "../../shared/testing/kafka.ts";
import { serviceEntry, startService } from "../../shared/testing/service_process.ts";
import { TEST_ENV, testId, testSql } from "../../shared/testing/stores.ts";
import { benchEvents } from "./_events.ts";
import { argsOrExit } from "../../shared/cli.ts";
import { ENRICH_THROUGHPUT_USAGE, parseEnrichThroughputArgs } from "../args.ts";
import { sleep } from "../../shared/time.ts";
import { cpuSeconds } from "../suite/proc.ts";

const { total, visitors } = argsOrExit(
  ENRICH_THROUGHPUT_USAGE,
  () => parseEnrichThroughputArgs(Deno.args),
);
const partitions = 6;

{
  await using sql = await testSql();
  await sql`INSERT INTO currency_rates (currency, rate_to_base) VALUES ('EUR', 1.08)
    ON CONFLICT (currency) DO NOTHING`;
}
const id = testId();
const [raw, enriched, dlq] = [`${id}_bench_raw`, `${id}_bench_enriched`, `${id}_bench_dlq`];
await using _topics = await testTopics([raw, enriched, dlq], { partitions });
const prefix = `${id}_bench_keys:`;

const events = benchEvents(total, visitors);
for (let i = 0; i < events.length; i += 5000) {
  await produce(
    raw,
    events.slice(i, i + 5000).map((e) => ({ key: partitionKey(e), value: JSON.stringify(e) })),
  );
}
console.log(`${total} raw events on ${raw} (${partitions} partitions)`);

const env: Record<string, string> = {
  ...TEST_ENV,
  TOPIC_RAW: raw,
  TOPIC_ENRICHED: enriched,
  TOPIC_DEAD_LETTER: dlq,
  CONSUMER_GROUP: `${id}_bench_group`,
  REDIS_KEY_PREFIX: prefix,
  // enrich refuses to start without a dead-letter key; a throwaway one unless one is given.
  DEAD_LETTER_KEYS: Deno.env.get("DEAD_LETTER_KEYS") ?? generateDeadLetterKey(),
};
for (const [name, value] of Object.entries(Deno.env.toObject())) {
  if (name.startsWith("ENRICH_")) env[name.slice("ENRICH_".length)] = value;
}
const profileDir = Deno.env.get("BENCH_CPU_PROF_DIR");
const service = await startService(serviceEntry("enrich"), {
  env,
  denoArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
});
const cpuAtStart = await cpuSeconds(service.pid);
const started = performance.now();
const metricsUrl = `${service.url}/metrics`;
const counter = (text: string, name: string) =>
  Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, "m").exec(text)?.[1] ?? 0);
// The steady rate leaves out the first acknowledged batch: its enrichment started before `first`.
// produced_total counts only messages the broker acknowledged (acks=all): they are on the topic.
let first = 0;
let atFirst = 0;
let last = 0;
let cpuAtFirst = 0;
let cpuAtLast = 0;
let metrics = "";
while (performance.now() - started < 600_000) {
  metrics = await (await fetch(metricsUrl)).text();
  const produced = counter(metrics, "eventflow_enrich_produced_total");
  if (produced > 0 && first === 0) {
    [first, atFirst, cpuAtFirst] = [performance.now(), produced, await cpuSeconds(service.pid)];
  }
  if (produced >= total) {
    last = performance.now();
    cpuAtLast = await cpuSeconds(service.pid);
    break;
  }
  // A failing batch is redelivered forever; stop and show why instead of waiting for the limit.
  if (service.log().includes('"level":"error"')) break;
  // Not more often: a scrape costs the service milliseconds of CPU (the process metrics' event
  // loop histogram, the dependency checks), which at 50 scrapes a second was a tenth of what this
  // bench charged to enrich (Prometheus scrapes every 5 s). The steady window is ±1 s.
  await sleep(1_000);
}
await service.stop();
const errors = [...metrics.matchAll(/eventflow_enrich_step_errors_total\{.*step="(\w+)"\} (\d+)/g)]
  .map(([, step, n]) => `${step}=${n}`);
console.log(`step errors: ${errors.join(" ") || "none"}`);
if (last === 0) {
  console.log(`not all enriched; service log:\n${service.log().slice(-3000)}`);
} else {
  // Cross-check on the topic itself, after the clock stopped.
  const onTopic = (await readTopicUntil(enriched, (seen) => seen.length >= total, {
    timeoutMs: 120_000,
  })).length;
  const steady = (last - first) / 1000;
  const overall = (last - started) / 1000;
  console.log(
    `${onTopic} events on ${enriched}: steady ${Math.round((total - atFirst) / steady)} events/s ` +
      `(${steady.toFixed(2)} s from first to last produce ack), ` +
      `${Math.round(total / overall)} events/s from start (${
        overall.toFixed(2)
      } s incl. group join)`,
  );
  const perThousand = (cpu: number, events: number) => (cpu / events * 1000).toFixed(3);
  console.log(
    `enrich CPU: steady ${perThousand(cpuAtLast - cpuAtFirst, total - atFirst)} s per 1,000 ` +
      `events; ${perThousand(cpuAtLast - cpuAtStart, total)} s per 1,000 from start ` +
      `(${(cpuAtLast - cpuAtStart).toFixed(2)} s incl. group join)`,
  );
}
const redis = createRedis(TEST_ENV.REDIS_URL);
const keys = await redis.keys(`${prefix}*`);
for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
redis.disconnect();
