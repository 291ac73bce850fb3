/** The sink service: enriched_events → ClickHouse (every event) and PostgreSQL (business events). */
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createClickHouse } from "../shared/clickhouse/mod.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { createRedis } from "../shared/redis/mod.ts";
import { kafkaDeadLetters, runConsumerService } from "../shared/kafka/mod.ts";
import { deadLetterKeyring } from "../shared/events/mod.ts";
import { systemClock } from "../shared/time.ts";
import { loadConfig } from "./config.ts";
import { createClickHouseWriter } from "./adapters/clickhouse_writer.ts";
import { createSinkMetrics } from "./metrics.ts";
import { type LaneSpec, sinkLanes } from "./service.ts";
import { clickHouseStore, postgresStore } from "./stores.ts";

const config = loadConfig(Deno.env.toObject());
const logger = createLogger("sink", { level: config.LOG_LEVEL });
const registry = createRegistry("sink");
const metrics = createSinkMetrics(registry);

const deadLetterKeys = await deadLetterKeyring(config);
const closers: (() => Promise<unknown>)[] = [];
const specs: Omit<LaneSpec, "consumer">[] = [];
if (config.SINK_STORES.includes("clickhouse")) {
  const client = createClickHouse({
    url: config.CLICKHOUSE_URL,
    database: config.CLICKHOUSE_DATABASE,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  });
  const writer = createClickHouseWriter(client);
  closers.push(() => client.close());
  specs.push({
    store: clickHouseStore(writer, { afterInsert: faultKillAfter(config) }),
    group: config.SINK_CLICKHOUSE_GROUP,
    ping: writer.ping,
  });
}
if (config.SINK_STORES.includes("postgres")) {
  const sql = createPostgres(config.DATABASE_URL, { max: 2 });
  const redis = createRedis(config.REDIS_URL, { lazyConnect: true });
  closers.push(() => sql.end({ timeout: 5 }), () => redis.quit().catch(() => redis.disconnect()));
  specs.push({
    store: postgresStore(sql, { criticalEvents: config.CRITICAL_EVENTS, redis, metrics, logger }),
    group: config.SINK_POSTGRES_GROUP,
    ping: async () => void await sql`SELECT 1`,
  });
}

/** SINK_FAULT_KILL_AFTER_CLICKHOUSE_INSERTS: a crash between the insert and the commit. */
function faultKillAfter(c: typeof config): (() => void) | undefined {
  const limit = c.SINK_FAULT_KILL_AFTER_CLICKHOUSE_INSERTS;
  if (limit === 0) return undefined;
  logger.warn("Fault injection on: SIGKILL after a ClickHouse insert", { inserts: limit });
  let inserts = 0;
  return () => {
    if (++inserts >= limit) Deno.kill(Deno.pid, "SIGKILL");
  };
}

await runConsumerService({
  name: "sink",
  env: config,
  logger,
  registry,
  lagGauge: metrics.consumerLag,
  groups: specs.map((spec) => ({
    groupId: spec.group,
    topics: [config.TOPIC_ENRICHED],
    fromBeginning: true,
    maxBatchSize: config.SINK_BATCH_SIZE,
  })),
  wire: ({ producer, consumers }) => {
    const lanes = sinkLanes(specs.map((spec, i) => ({ ...spec, consumer: consumers[i]! })), {
      deadLetters: kafkaDeadLetters(producer, config.TOPIC_DEAD_LETTER, {
        keyring: deadLetterKeys,
      }),
      metrics,
      logger,
      clock: systemClock,
      batchSize: config.SINK_BATCH_SIZE,
      flushMs: config.SINK_FLUSH_MS,
      maxBuffered: config.SINK_MAX_BUFFERED,
      retryBaseMs: config.SINK_RETRY_BASE_MS,
      retryMaxMs: config.SINK_RETRY_MAX_MS,
      shutdownGraceMs: config.SINK_SHUTDOWN_GRACE_MS,
    });
    return {
      handlers: lanes.groups.map((group) => group.handle),
      checks: lanes.checks,
      abortInFlight: lanes.abortInFlight,
      close: async () => void await Promise.allSettled(closers.map((close) => close())),
      describe: {
        stores: config.SINK_STORES,
        batchSize: config.SINK_BATCH_SIZE,
        flushMs: config.SINK_FLUSH_MS,
      },
    };
  },
});
