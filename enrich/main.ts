/**
 * enrich: reads raw_events, enriches each event, writes enriched_events (and dead letters).
 * Composition root: configuration, clients, pipeline, consumer, ops endpoints, shutdown.
 */
import { Hono } from "hono";
import {
  createAdmin,
  createConsumer,
  createProducer,
  logConsumerErrors,
  reportLag,
} from "../shared/kafka/mod.ts";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { createRedis } from "../shared/redis/mod.ts";
import { opsRoutes, runChecks } from "../shared/http/ops.ts";
import { serveUntilSignal } from "../shared/http/serve.ts";
import { errorMessage } from "../shared/errors.ts";
import { loadConfig } from "./config.ts";
import { createBatchHandler } from "./handler.ts";
import { createEnrichMetrics } from "./metrics.ts";
import { buildEnrichment } from "./wiring.ts";

const config = loadConfig(Deno.env.toObject());
const logger = createLogger("enrich", { level: config.LOG_LEVEL });
const registry = createRegistry("enrich");
const metrics = createEnrichMetrics(registry);
const kafka = { brokers: config.KAFKA_BROKERS, clientId: "enrich" };

const redis = createRedis(config.REDIS_URL);
redis.on("error", () => {}); // reported through cache metrics and /readyz, not once per retry
const sql = createPostgres(config.DATABASE_URL, { max: 10 });
const enrichment = await buildEnrichment(config, {
  redis,
  sql,
  metrics,
  logger,
  keyPrefix: config.REDIS_KEY_PREFIX,
});
logger.info("Geo sources", { sources: enrichment.geoSources });

const admin = await createAdmin({ ...kafka, clientId: "enrich-admin" });
const producer = await createProducer(kafka);
const consumer = await createConsumer(kafka, {
  groupId: config.CONSUMER_GROUP,
  topics: [config.TOPIC_RAW],
  fromBeginning: config.FROM_BEGINNING,
  maxBatchSize: config.BATCH_SIZE,
  onError: logConsumerErrors(logger, config.CONSUMER_GROUP),
});

const stopLag = reportLag(consumer, metrics.consumerLag, {
  group: config.CONSUMER_GROUP,
  intervalMs: config.LAG_INTERVAL_MS,
  logger,
});

let draining = false;
const checks = {
  kafka: async () => {
    if (!(await admin.ping())) throw new Error("no broker answered");
  },
  redis: async () => void (await redis.ping()),
  postgres: async () => void (await sql`SELECT 1`),
};
const app = new Hono();
// Only Kafka gates readiness: without Redis or PostgreSQL enrichment degrades but still flows.
app.get("/readyz", async (c) => {
  if (draining) return c.json({ status: "draining", checks: {} }, 503);
  const results = await runChecks(
    Object.entries(checks).map(([name, check]) => ({ name, check })),
    2000,
  );
  const ready = results.kafka?.ok === true;
  const degraded = Object.values(results).some((r) => !r.ok);
  return c.json({
    status: ready ? (degraded ? "degraded" : "ready") : "not ready",
    checks: results,
  }, ready ? 200 : 503);
});
app.route("/", opsRoutes({ registry, isDraining: () => draining }));

const server = serveUntilSignal(app.fetch, {
  port: config.PORT,
  hostname: config.HOST,
  drainDelayMs: config.SHUTDOWN_DELAY_MS,
  logger,
  onSignal: () => {
    draining = true;
  },
  onShutdown: async () => {
    stopLag();
    // close() waits for the in-flight batch, commits it and leaves the group.
    await consumer.close();
    await producer.close();
    enrichment.stop();
    await admin.close();
    await sql.end({ timeout: 5 });
    redis.disconnect();
  },
});

const handler = createBatchHandler({
  pipeline: enrichment.pipeline,
  prepare: enrichment.prepare,
  producer,
  topics: { enriched: config.TOPIC_ENRICHED, deadLetter: config.TOPIC_DEAD_LETTER },
  metrics,
  logger,
});
logger.info("Consuming", {
  topic: config.TOPIC_RAW,
  group: config.CONSUMER_GROUP,
  port: server.port,
});
consumer.run(handler).catch((error) => {
  logger.error("Consumer stopped", { error: errorMessage(error) });
  Deno.exit(1);
});
await server.finished;
