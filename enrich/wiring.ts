/**
 * Builds the enrichment pipeline from configuration and clients: which steps, which caches,
 * which geo source. Kept apart from `main.ts` so the benchmark builds the very same pipeline.
 */
import type { RawEvent } from "../shared/events/mod.ts";
import type { Redis } from "../shared/redis/mod.ts";
import type { Sql } from "../shared/postgres/mod.ts";
import { geoKey, productKey, userKey } from "../shared/redis/keys.ts";
import type { Logger } from "../shared/log.ts";
import { errorMessage } from "../shared/errors.ts";
import { throttle } from "../shared/time.ts";
import type { EnrichConfig } from "./config.ts";
import type { EnrichMetrics } from "./metrics.ts";
import { type BatchLookups, createPrefetcher } from "./adapters/batch_lookups.ts";
import { cachedLookup } from "./adapters/cache.ts";
import { createCircuitBreaker } from "./adapters/circuit_breaker.ts";
import { createHttpGeo, withFallback } from "./adapters/http_geo.ts";
import { createLru } from "./adapters/lru.ts";
import { openMmdbGeo } from "./adapters/mmdb.ts";
import { createPostgresLookups, type ProductRow } from "./adapters/postgres.ts";
import { createIdentityStore, createSessionStore } from "./adapters/redis_stores.ts";
import { createRefresher, type Refreshed } from "./adapters/refresher.ts";
import { deviceStep } from "./steps/device.ts";
import { type GeoLookup, geoStep } from "./steps/geo.ts";
import { identityStep } from "./steps/identity.ts";
import { marketingStep } from "./steps/marketing.ts";
import { normalizeStep } from "./steps/normalize.ts";
import { createPipeline, type Pipeline } from "./steps/pipeline.ts";
import { privacyStep } from "./steps/privacy.ts";
import { productStep } from "./steps/product.ts";
import { revenueStep } from "./steps/revenue.ts";
import { sessionStep } from "./steps/session.ts";
import { userStep } from "./steps/user.ts";

/** A batch's pipeline, reading the lookups prefetched for it, and the write-back of its state. */
export interface PreparedBatch {
  pipeline: Pipeline;
  /** Writes the session states the batch changed (one Redis pipeline); never rejects. */
  flush(): Promise<void>;
}

/** The pipeline and the background work it needs stopped at shutdown. */
export interface Enrichment {
  /** Prefetches a batch's lookups in a few round trips; the pipeline of every batch. */
  prepare(events: RawEvent[]): Promise<PreparedBatch>;
  geoSources: string[];
  refreshers: Refreshed<unknown>[];
  stop(): void;
}

/** Builds every step with its adapters. */
export async function buildEnrichment(
  config: EnrichConfig,
  deps: { redis: Redis; sql: Sql; metrics: EnrichMetrics; logger: Logger; keyPrefix?: string },
): Promise<Enrichment> {
  const { redis, metrics, logger } = deps;
  const record = (cache: string, result: "hit" | "miss" | "error") =>
    metrics.cacheRequests.inc({ cache, result });
  // One warning per 10 s: a down Redis would otherwise log on every event.
  const cacheWarning = throttle(10_000);
  const onCacheError = (error: unknown) => {
    if (!cacheWarning()) return;
    logger.warn("Redis cache unavailable, reading the source directly", {
      error: errorMessage(error),
    });
  };
  const breakerLog = (name: string) => (state: string) =>
    logger.warn(`Circuit of ${name} is now ${state}`);
  const pg = createPostgresLookups(deps.sql, {
    breaker: createCircuitBreaker("PostgreSQL", { onStateChange: breakerLog("PostgreSQL") }),
    timeoutMs: config.POSTGRES_TIMEOUT_MS,
  });
  const prefix = deps.keyPrefix;
  const cacheBase = {
    redis,
    record,
    onError: onCacheError,
    redisTimeoutMs: config.REDIS_TIMEOUT_MS,
  };

  const local = await openMmdbGeo({ path: config.GEOIP_DB_PATH });
  let geo: GeoLookup = local;
  const geoSources = [...local.sources];
  if (config.GEO_HTTP_URL) {
    const http = createHttpGeo({
      urlTemplate: config.GEO_HTTP_URL,
      timeoutMs: config.GEO_HTTP_TIMEOUT_MS,
      breaker: createCircuitBreaker("Geo API", { onStateChange: breakerLog("Geo API") }),
    });
    const cached = cachedLookup((ip) => http.lookup(ip), {
      ...cacheBase,
      name: "geo",
      key: (ip) => geoKey(ip, prefix),
      lru: createLru({ max: 50_000, ttlMs: 3_600_000 }),
      ttlSeconds: config.GEO_CACHE_TTL_SECONDS,
      negativeTtlSeconds: config.NEGATIVE_CACHE_TTL_SECONDS,
    });
    geo = withFallback({ lookup: cached }, local, { onError: onCacheError });
    geoSources.unshift(config.GEO_HTTP_URL);
  }

  // No in-process LRU for users: the sink invalidates ef:user:* in Redis, an LRU would go stale.
  const user = cachedLookup(pg.user, {
    ...cacheBase,
    name: "user",
    key: (id) => userKey(id, prefix),
    ttlSeconds: config.USER_CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.NEGATIVE_CACHE_TTL_SECONDS,
  });
  const productLru = createLru<ProductRow | null>({ max: 20_000, ttlMs: 60_000 });
  const product = cachedLookup(pg.product, {
    ...cacheBase,
    name: "product",
    key: (id) => productKey(id, prefix),
    lru: productLru,
    ttlSeconds: config.PRODUCT_CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.NEGATIVE_CACHE_TTL_SECONDS,
  });
  const identities = createIdentityStore(redis, {
    prefix,
    record,
    timeoutMs: config.REDIS_TIMEOUT_MS,
    fromPostgres: pg.identity,
  });
  const sessionTimeoutMs = config.SESSION_TIMEOUT_MINUTES * 60_000;
  const sessions = createSessionStore(redis, {
    prefix,
    timeoutMs: config.REDIS_TIMEOUT_MS,
    sessionTimeoutMs,
  });
  const refreshError = (what: string) => (error: unknown) =>
    logger.warn(`Could not reload ${what}; keeping the previous copy`, {
      error: errorMessage(error),
    });
  const campaigns = createRefresher(pg.campaigns, {
    intervalMs: config.REFRESH_INTERVAL_MS,
    onError: refreshError("campaigns"),
  });
  const rates = createRefresher(pg.rates, {
    intervalMs: config.REFRESH_INTERVAL_MS,
    onError: refreshError("currency rates"),
  });
  await Promise.all([campaigns.refresh(), rates.refresh()]);

  // Steps without lookups are built once; the lookup steps per batch, over its prefetched maps.
  const [normalize, geoS, device, marketing, revenue, privacy] = [
    normalizeStep(),
    geoStep(geo),
    deviceStep(),
    marketingStep(campaigns),
    revenueStep(rates),
    privacyStep({
      pseudonymizeFields: config.PSEUDONYMIZE_FIELDS,
      salt: config.PII_SALT,
      ipPolicy: config.IP_POLICY,
    }),
  ];
  const observe = (step: string, seconds: number, failed: boolean) => {
    metrics.stepDuration.observe({ step }, seconds);
    if (failed) metrics.stepErrors.inc({ step });
  };
  const pipelineOver = (lookups: Omit<BatchLookups, "flush">) =>
    createPipeline([
      normalize,
      identityStep(lookups.identity),
      userStep(lookups.user),
      geoS,
      device,
      productStep(lookups.product),
      marketing,
      sessionStep(lookups.session, { timeoutMs: sessionTimeoutMs }),
      revenue,
      privacy,
    ], { observe });
  const prefetch = createPrefetcher({
    redis,
    pg,
    fallback: { identity: identities, user, product, session: sessions },
    productLru,
    prefix,
    record,
    onError: onCacheError,
    redisTimeoutMs: config.REDIS_TIMEOUT_MS,
    ttl: {
      user: config.USER_CACHE_TTL_SECONDS,
      product: config.PRODUCT_CACHE_TTL_SECONDS,
      identity: 30 * 86400,
      negative: config.NEGATIVE_CACHE_TTL_SECONDS,
      session: Math.ceil((sessionTimeoutMs * 2) / 1000),
    },
  });
  const prepare = async (events: RawEvent[]): Promise<PreparedBatch> => {
    const lookups = await prefetch(events);
    return { pipeline: pipelineOver(lookups), flush: lookups.flush };
  };
  const refreshers = [campaigns, rates] as Refreshed<unknown>[];
  return {
    prepare,
    geoSources,
    refreshers,
    stop: () => refreshers.forEach((r) => r.stop()),
  };
}
