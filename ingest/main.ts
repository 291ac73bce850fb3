/**
 * Composition root of the ingest service: load config, build the Kafka producer, Postgres
 * sources cache and Redis rate limiter, and serve HTTP until SIGTERM/SIGINT.
 *
 * Run: node_modules/.bin/deno run -A ingest/main.ts
 */
import { createAdmin, createProducer, rawTopicConfig } from "../shared/kafka/mod.ts";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { createRedis } from "../shared/redis/mod.ts";
import { opsRoutes, type ReadinessCheck } from "../shared/http/ops.ts";
import { drainingService, serveUntilSignal } from "../shared/http/serve.ts";
import { throttle } from "../shared/time.ts";
import { createPublisher } from "./adapters/publisher.ts";
import { poolProducers } from "./adapters/producer_pool.ts";
import { createSyncedRateLimiter } from "./adapters/rate_limiter.ts";
import { createIpBuckets } from "./core/ip_buckets.ts";
import { createSourceCache, createSourceStore } from "./adapters/sources.ts";
import { loadConfig } from "./config.ts";
import { createIngestMetrics } from "./metrics.ts";
import { createApp } from "./routes/app.ts";

async function main(): Promise<void> {
  const config = loadConfig(Deno.env.toObject());
  const logger = createLogger("ingest", { level: config.LOG_LEVEL });
  const registry = createRegistry("ingest");
  const metrics = createIngestMetrics(registry);
  const kafka = { brokers: config.KAFKA_BROKERS, clientId: "eventflow-ingest" };

  const admin = await createAdmin(kafka);
  if (config.INGEST_ENSURE_TOPIC) {
    // Also brings an existing topic's retention to TOPIC_RAW_RETENTION_HOURS (it holds raw PII).
    await admin.ensureTopics([{
      name: config.TOPIC_RAW,
      partitions: config.INGEST_TOPIC_PARTITIONS,
      config: rawTopicConfig(config.TOPIC_RAW_RETENTION_HOURS),
    }]);
  }
  const producer = poolProducers(
    await Promise.all(
      Array.from(
        { length: config.INGEST_KAFKA_PRODUCERS },
        // The publisher lingers and batches; what it hands over goes at once.
        () => createProducer(kafka, { lingerMs: 0 }),
      ),
    ),
  );
  const sql = createPostgres(config.DATABASE_URL, { max: 4 });
  const store = createSourceStore(sql);
  const redis = createRedis(config.REDIS_URL);
  // Errors surface through the limiter's sync; without a listener ioredis logs each one.
  redis.on("error", () => {});

  // One line per 10 s is enough to notice an outage without flooding the log.
  const limiterWarning = throttle(10_000);
  const rateLimiter = createSyncedRateLimiter(redis, {
    prefix: config.INGEST_RATE_LIMIT_PREFIX,
    windowMs: config.INGEST_RATE_LIMIT_WINDOW_MS,
    keyLimit: config.INGEST_RATE_LIMIT_KEY_EVENTS,
    keyIpLimit: config.INGEST_RATE_LIMIT_KEY_IP_EVENTS,
    syncMs: config.INGEST_RATE_LIMIT_SYNC_MS,
    onError: (error) => {
      metrics.rateLimiterErrors.inc();
      if (limiterWarning()) {
        logger.warn("Rate limiter counting locally only: Redis unavailable", {
          error: String(error),
        });
      }
    },
  });
  const ipBuckets = config.INGEST_RATE_LIMIT_IP_EVENTS === 0
    ? null
    : createIpBuckets({ eventsPerSecond: config.INGEST_RATE_LIMIT_IP_EVENTS });
  const publisher = createPublisher(producer, {
    topic: config.TOPIC_RAW,
    timeoutMs: config.INGEST_KAFKA_TIMEOUT_MS,
    retryAfterSeconds: config.INGEST_RETRY_AFTER_SECONDS,
    maxQueuedEvents: config.INGEST_MAX_QUEUED_EVENTS,
    maxInFlight: config.INGEST_KAFKA_PRODUCERS,
    lingerMs: config.INGEST_KAFKA_LINGER_MS,
    onAck: (seconds) => metrics.kafkaAckDuration.observe(seconds),
    onError: () => metrics.producerErrors.inc(),
    onFull: () => metrics.overloaded.inc({ reason: "queue" }),
  });

  const service = drainingService(config, logger);
  const checks: ReadinessCheck[] = [
    {
      name: "kafka",
      check: async () => {
        if (!(await admin.ping())) throw new Error("no Kafka broker answered");
      },
    },
    { name: "postgres", check: () => store.ping() },
  ];
  const isDraining = service.isDraining;
  const app = createApp({
    sources: createSourceCache(store, { ttlMs: config.INGEST_SOURCE_CACHE_TTL_MS }),
    rateLimiter,
    ipBuckets,
    publisher,
    registry,
    metrics,
    logger,
    limits: {
      maxEventBytes: config.INGEST_MAX_EVENT_BYTES,
      maxBatchBytes: config.INGEST_MAX_BATCH_BYTES,
      maxCompressedBytes: config.INGEST_MAX_COMPRESSED_BYTES,
      maxBatchEvents: config.INGEST_MAX_BATCH_EVENTS,
      bodyTimeoutMs: config.INGEST_BODY_TIMEOUT_MS,
      maxInflightRequests: config.INGEST_MAX_INFLIGHT_REQUESTS,
    },
    trustedProxies: config.INGEST_TRUSTED_PROXIES,
    corsOrigins: config.INGEST_CORS_ORIGINS,
    publicUrl: config.INGEST_PUBLIC_URL,
    futureToleranceMs: config.INGEST_FUTURE_TOLERANCE_SECONDS * 1000,
    checks,
    isDraining,
  });
  // Metrics (per-source counters) and check details only on the ops port, off the public one.
  const ops = serveUntilSignal(opsRoutes({ registry, checks, isDraining }).fetch, {
    port: config.OPS_PORT,
    hostname: config.OPS_HOST,
    logger,
  });

  const server = service.serve(
    (request, info) =>
      app.fetch(request, { remoteAddr: (info.remoteAddr as Deno.NetAddr).hostname }),
    async () => {
      // In-flight requests are done; flush what the producer still holds before closing.
      await producer.close();
      rateLimiter.close();
      await admin.close();
      await sql.end({ timeout: 5 });
      redis.disconnect();
    },
  );
  await Promise.all([server.finished, ops.finished]);
}

if (import.meta.main) await main();
