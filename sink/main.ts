/** The sink service: enriched_events → ClickHouse (every event) and PostgreSQL (business events). */
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createClickHouse } from "../shared/clickhouse/mod.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { createRedis } from "../shared/redis/mod.ts";
import { createConsumer, createProducer, logConsumerErrors } from "../shared/kafka/mod.ts";
import { serveUntilSignal } from "../shared/http/serve.ts";
import { loadConfig } from "./config.ts";
import { systemClock } from "../shared/time.ts";
import { createClickHouseWriter } from "./adapters/clickhouse_writer.ts";
import { kafkaDeadLetters } from "../shared/kafka/mod.ts";
import { createSinkMetrics } from "./metrics.ts";
import { type LaneSpec, startSink } from "./service.ts";
import { clickHouseStore, postgresStore } from "./stores.ts";

const config = loadConfig(Deno.env.toObject());
const logger = createLogger("sink", { level: config.LOG_LEVEL });
const registry = createRegistry("sink");
const metrics = createSinkMetrics(registry);
const kafka = { brokers: config.KAFKA_BROKERS, clientId: "sink" };
const producer = await createProducer(kafka);
const consumerFor = (groupId: string) =>
  createConsumer(kafka, {
    groupId,
    topics: [config.TOPIC_ENRICHED],
    fromBeginning: true,
    maxBatchSize: config.SINK_BATCH_SIZE,
    onError: logConsumerErrors(logger, groupId),
  });

const closers: (() => Promise<unknown>)[] = [];
const specs: LaneSpec[] = [];
if (config.SINK_STORES.includes("clickhouse")) {
  const client = createClickHouse({
    url: config.CLICKHOUSE_URL,
    database: config.CLICKHOUSE_DATABASE,
  });
  const writer = createClickHouseWriter(client);
  closers.push(() => client.close());
  specs.push({
    store: clickHouseStore(writer),
    group: config.SINK_CLICKHOUSE_GROUP,
    consumer: await consumerFor(config.SINK_CLICKHOUSE_GROUP),
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
    consumer: await consumerFor(config.SINK_POSTGRES_GROUP),
    ping: async () => void await sql`SELECT 1`,
  });
}

const sink = startSink(specs, {
  deadLetters: kafkaDeadLetters(producer, config.TOPIC_DEAD_LETTER),
  metrics,
  registry,
  logger,
  clock: systemClock,
  batchSize: config.SINK_BATCH_SIZE,
  flushMs: config.SINK_FLUSH_MS,
  maxBuffered: config.SINK_MAX_BUFFERED,
  retryBaseMs: config.SINK_RETRY_BASE_MS,
  retryMaxMs: config.SINK_RETRY_MAX_MS,
  shutdownGraceMs: config.SINK_SHUTDOWN_GRACE_MS,
});
logger.info("Sink started", {
  stores: config.SINK_STORES,
  topic: config.TOPIC_ENRICHED,
  batchSize: config.SINK_BATCH_SIZE,
  flushMs: config.SINK_FLUSH_MS,
});

const server = serveUntilSignal(sink.app.fetch, {
  port: config.PORT,
  logger,
  drainDelayMs: config.SHUTDOWN_DELAY_MS,
  // Readiness turns 503 before the drain delay, not only once the listener closed.
  onSignal: () => sink.drain(),
  onShutdown: async () => {
    await sink.stop();
    await producer.close();
    await Promise.allSettled(closers.map((close) => close()));
  },
});
sink.done.catch(async () => {
  // A consumer loop died for good: exit non-zero so the supervisor restarts the process.
  await server.shutdown();
  Deno.exit(1);
});
await server.finished;
