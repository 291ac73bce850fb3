/**
 * enrich: reads raw_events, enriches each event, writes enriched_events (and dead letters).
 * Composition root: configuration, clients, pipeline and handler; shared/kafka/service.ts runs it.
 */
import { deadLetterKeyring } from "../shared/events/mod.ts";
import { consumerGroupOf, runConsumerService } from "../shared/kafka/mod.ts";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { createRedis } from "../shared/redis/mod.ts";
import { loadConfig } from "./config.ts";
import { createBatchHandler } from "./handler.ts";
import { createEnrichMetrics } from "./metrics.ts";
import { buildEnrichment } from "./wiring.ts";

const config = loadConfig(Deno.env.toObject());
const logger = createLogger("enrich", { level: config.LOG_LEVEL });
const registry = createRegistry("enrich");
const metrics = createEnrichMetrics(registry);

const deadLetterKeys = await deadLetterKeyring(config);
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

await runConsumerService({
  name: "enrich",
  env: config,
  logger,
  registry,
  lagGauge: metrics.consumerLag,
  groups: [consumerGroupOf(config, config.TOPIC_RAW)],
  wire: ({ producer }) => ({
    handlers: [createBatchHandler({
      prepare: enrichment.prepare,
      producer,
      topics: { enriched: config.TOPIC_ENRICHED, deadLetter: config.TOPIC_DEAD_LETTER },
      deadLetterKeys,
      metrics,
      logger,
    })],
    // Only Kafka gates readiness: without Redis or PostgreSQL enrichment degrades but still flows.
    checks: [
      { name: "redis", optional: true, check: async () => void (await redis.ping()) },
      { name: "postgres", optional: true, check: async () => void (await sql`SELECT 1`) },
    ],
    close: async () => {
      enrichment.stop();
      await sql.end({ timeout: 5 });
      redis.disconnect();
    },
  }),
});
