/**
 * Composition root of the query service: load config, build the ClickHouse, PostgreSQL and
 * Redis clients, and serve the API until SIGTERM/SIGINT.
 *
 * Run: node_modules/.bin/deno run -A query/main.ts
 */
import { createClickHouse } from "../shared/clickhouse/mod.ts";
import { drainingService } from "../shared/http/serve.ts";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { createRedis } from "../shared/redis/mod.ts";
import { createRedisCache } from "./adapters/cache.ts";
import { createExecutor } from "./adapters/clickhouse.ts";
import { createProfileLookup } from "./adapters/profiles.ts";
import { createSpendStore } from "./adapters/spend.ts";
import { cachedVerifier, createTokenStore } from "./adapters/tokens.ts";
import { loadConfig } from "./config.ts";
import { createQueryMetrics } from "./metrics.ts";
import { createApp } from "./routes/app.ts";

async function main(): Promise<void> {
  const config = loadConfig(Deno.env.toObject());
  const logger = createLogger("query", { level: config.LOG_LEVEL });
  const registry = createRegistry("query");
  const metrics = createQueryMetrics(registry);
  const ch = createClickHouse({
    url: config.CLICKHOUSE_URL,
    database: config.CLICKHOUSE_DATABASE,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
    // The server enforces QUERY_MAX_EXECUTION_SECONDS; the socket waits a little longer.
    requestTimeoutMs: (config.QUERY_MAX_EXECUTION_SECONDS + 10) * 1000,
  });
  const sql = createPostgres(config.DATABASE_URL, { max: 4 });
  const redis = createRedis(config.REDIS_URL);
  // Failures surface through the cache's uncached path and /readyz; no log line per retry.
  redis.on("error", () => {});
  let lastCacheLog = 0;
  const cache = createRedisCache(redis, {
    prefix: config.QUERY_CACHE_PREFIX,
    lockWaitMs: config.QUERY_CACHE_LOCK_WAIT_MS,
    onRedisError: (error) => {
      metrics.cacheErrors.inc();
      if (Date.now() - lastCacheLog > 10_000) {
        lastCacheLog = Date.now();
        logger.warn("Answering uncached: Redis unavailable", { error: String(error) });
      }
    },
  });
  const tokens = createTokenStore(sql);

  const service = drainingService(config, logger);
  const app = createApp({
    executor: createExecutor(ch, {
      maxExecutionSeconds: config.QUERY_MAX_EXECUTION_SECONDS,
      maxMemoryBytes: config.QUERY_MAX_MEMORY_BYTES,
      onQuery: () => metrics.clickhouseQueries.inc(),
    }),
    cache,
    verifyToken: cachedVerifier(tokens, { ttlMs: 10_000 }),
    spend: createSpendStore(sql),
    profiles: createProfileLookup(sql),
    registry,
    metrics,
    logger,
    checks: [
      {
        name: "clickhouse",
        check: async () => {
          if (!(await ch.ping()).success) throw new Error("ClickHouse did not answer a ping");
        },
      },
      { name: "postgres", check: () => tokens.ping() },
    ],
    isDraining: service.isDraining,
    baseCurrency: config.QUERY_BASE_CURRENCY,
    maxRangeDays: config.QUERY_MAX_RANGE_DAYS,
    ttl: {
      closedSeconds: config.QUERY_CACHE_TTL_CLOSED_SECONDS,
      openSeconds: config.QUERY_CACHE_TTL_OPEN_SECONDS,
    },
  });

  const server = service.serve(app.fetch, async () => {
    await ch.close();
    await sql.end({ timeout: 5 });
    redis.disconnect();
  });
  await server.finished;
}

if (import.meta.main) await main();
