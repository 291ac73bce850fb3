/**
 * The real sink under `--cpu-prof`: `--events` realistic enriched events (1 in 10 a purchase)
 * are produced to a topic of its own, the sink (both stores) consumes them from the start, and
 * when ClickHouse holds them all and PostgreSQL has caught up it is stopped. Prints the sink's
 * CPU seconds per 1,000 events and where that CPU went, by group and by function.
 *
 * `deno run -A bench/sink/profile.ts [--events 30000]`; writes to the suite's `eventflow_bench`
 * databases (`CLICKHOUSE_URL`, `BENCH_DATABASE_URL`) as the stack's ClickHouse writer, and
 * removes its rows afterwards.
 * @module
 */
import { argsOrExit } from "../../shared/cli.ts";
import { parseSinkProfileArgs, SINK_PROFILE_USAGE } from "../args.ts";
import { freePort, httpOk, spawnChild, waitChildReady } from "../../shared/process/mod.ts";
import { produce, testTopics } from "../../shared/testing/kafka.ts";
import { deletePrefix, testId } from "../../shared/testing/stores.ts";
import { createPostgres, type Sql } from "../../shared/postgres/mod.ts";
import { type ClickHouseClient, createClickHouse } from "../../shared/clickhouse/mod.ts";
import { benchStores } from "../suite/stores.ts";
import { sleep } from "../../shared/time.ts";
import { streamEvent } from "../../sink/testing/events.ts";
import { byGroup, readCpuProfile, shares, top } from "../cpu_profile.ts";
import { cpuSeconds } from "../suite/proc.ts";

/** Where the sink's samples go, innermost matching frame first. */
export const SINK_GROUPS: Array<[string, RegExp]> = [
  ["garbage collector", /^\(garbage collector\)/],
  ["idle", /^\(idle\)/],
  ["validate (zod schema)", /zod\//],
  ["decode + JSON.parse", /parseMessage /],
  ["map to the ClickHouse row", /clickhouse_row\.ts/],
  ["ClickHouse client (encode, HTTP)", /@clickhouse|clickhouse_writer\.ts/],
  [
    "PostgreSQL (plan, merge, postgres.js)",
    /postgres_(plan|merge|rows|writer)\.ts|postgres@|\/postgres\//,
  ],
  ["Kafka client (fetch, decode, commit)", /@platformatic|kafkajs|shared\/kafka\//],
  ["metrics", /prom-client|shared\/metrics/],
  ["sink lane and batcher", /sink\/(lane|stores|core\/batcher|core\/bisect|core\/dedup_token)/],
];

function enrichedMessages(prefix: string, count: number) {
  const enc = new TextEncoder();
  const at = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => {
    const event = streamEvent(i, { prefix, users: 2000, at, platform: prefix });
    return { key: event.user_id, value: enc.encode(JSON.stringify(event)) };
  });
}

/**
 * How far the stores are, read from the stores (not the sink's /metrics, whose scrape would be
 * part of the profile): ClickHouse rows and PostgreSQL orders (one per purchase) of this run.
 */
async function stored(
  ch: ClickHouseClient,
  sql: Sql,
  prefix: string,
): Promise<{ clickhouse: number; orders: number }> {
  const result = await ch.query({
    query: "SELECT count() AS n FROM events WHERE startsWith(event_id, {p:String})",
    query_params: { p: prefix },
    format: "JSONEachRow",
  });
  const rows = await result.json<{ n: string | number }>();
  const pg = await sql<{ orders: number }[]>`
    SELECT count(*)::int AS orders FROM orders WHERE order_id LIKE ${prefix + "%"}`;
  return { clickhouse: Number(rows[0]?.n ?? 0), orders: pg[0]?.orders ?? 0 };
}

if (import.meta.main) {
  const { events } = argsOrExit(SINK_PROFILE_USAGE, () => parseSinkProfileArgs(Deno.args));
  const id = testId();
  const prefix = `${id}_`;
  const topic = `${id}_enriched`;
  const { clickhouseUrl, clickhouseDatabase, databaseUrl, writer } = await benchStores(
    Deno.env.toObject(),
  );
  const sql = createPostgres(databaseUrl, { max: 2 });
  const ch = createClickHouse({
    url: clickhouseUrl,
    database: clickhouseDatabase,
    username: writer.username,
    password: writer.password,
  });
  await using _topics = await testTopics([topic, `${id}_dlq`], { partitions: 6 });
  const messages = enrichedMessages(prefix, events);
  for (let i = 0; i < messages.length; i += 5000) await produce(topic, messages.slice(i, i + 5000));

  const port = freePort();
  const profDir = await Deno.makeTempDir({ prefix: "sink_prof_" });
  const sink = spawnChild(Deno.execPath(), {
    name: "sink",
    args: [
      "run",
      "-A",
      "--cpu-prof",
      `--cpu-prof-dir=${profDir}`,
      new URL("../../sink/main.ts", import.meta.url).pathname,
    ],
    env: {
      KAFKA_BROKERS: Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092",
      CLICKHOUSE_URL: clickhouseUrl,
      CLICKHOUSE_DATABASE: clickhouseDatabase,
      CLICKHOUSE_USER: writer.username,
      CLICKHOUSE_PASSWORD: writer.password,
      DATABASE_URL: databaseUrl,
      REDIS_KEY_PREFIX: `${id}:`,
      PORT: String(port),
      LOG_LEVEL: "warn",
      TOPIC_ENRICHED: topic,
      TOPIC_DEAD_LETTER: `${id}_dlq`,
      SINK_CLICKHOUSE_GROUP: `${id}_ch`,
      SINK_POSTGRES_GROUP: `${id}_pg`,
      FROM_BEGINNING: "true",
    },
    stderrOnly: true,
  });
  let cpuS = 0;
  let wallS = 0;
  try {
    await waitChildReady(sink, () => httpOk(`http://127.0.0.1:${port}/readyz`), {
      timeoutMs: 60_000,
      what: "sink /readyz",
      intervalMs: 200,
    });
    const cpu0 = await cpuSeconds(sink.pid);
    const t0 = performance.now();
    const orders = Math.ceil(events / 10);
    for (;;) {
      await sleep(500);
      const now = await stored(ch, sql, prefix);
      if (now.clickhouse >= events && now.orders >= orders) break;
      if (performance.now() - t0 > 600_000) throw new Error(`Timed out at ${JSON.stringify(now)}`);
    }
    wallS = (performance.now() - t0) / 1000;
    cpuS = (await cpuSeconds(sink.pid)) - cpu0;
  } finally {
    await sink.stop();
  }
  await deletePrefix(sql, ch, prefix);
  await sql.end();
  await ch.close();
  const profile = await readCpuProfile(profDir);
  await Deno.remove(profDir, { recursive: true });
  console.log(
    `events=${events}: sink CPU ${cpuS.toFixed(2)} s in ${wallS.toFixed(1)} s = ${
      (cpuS / events * 1000).toFixed(3)
    } CPU s per 1,000 events (both stores)`,
  );
  console.log(
    `\nBy group (whole process lifetime, startup included):\n${
      top(byGroup(profile, SINK_GROUPS), 20)
    }`,
  );
  const { self, inclusive } = shares(profile);
  console.log(`\nSelf time (top 25):\n${top(self, 25)}`);
  console.log(`\nInclusive time (top 40):\n${top(inclusive, 40)}`);
}
