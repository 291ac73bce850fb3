/**
 * Builds the enrichment pipeline from configuration and clients: which steps, which caches,
 * which geo source. Kept apart from `main.ts` so the benchmark builds the very same pipeline.
 */
import type { RawEvent } from "../shared/events/mod.ts";
import type { Redis } from "../shared/redis/mod.ts";
import type { Sql } from "../shared/postgres/mod.ts";
import { productKey, userKey } from "../shared/redis/keys.ts";
import type { Logger } from "../shared/log.ts";
import { errorMessage } from "../shared/errors.ts";
import { throttle } from "../shared/time.ts";
import type { EnrichConfig } from "./config.ts";
import type { EnrichMetrics } from "./metrics.ts";
import { type BatchLookups, createPrefetcher } from "./adapters/batch_lookups.ts";
import { cachedLookup, type CacheRecorder } from "./adapters/cache.ts";
import { createCircuitBreaker } from "./adapters/circuit_breaker.ts";
import { geoCacheKey } from "./adapters/geo_cache_key.ts";
import { createHttpGeo, withFallback } from "./adapters/http_geo.ts";
import { createLru, type Lru } from "./adapters/lru.ts";
import { openMmdbGeo } from "./adapters/mmdb.ts";
import {
  createPostgresLookups,
  type PostgresLookups,
  type ProductRow,
} from "./adapters/postgres.ts";
import { createIdentityStore, createSessionStore } from "./adapters/redis_stores.ts";
import { createRefresher, type Refreshed } from "./adapters/refresher.ts";
import { deviceStep } from "./steps/device.ts";
import { type GeoLookup, geoStep } from "./steps/geo.ts";
import { identityStep, type IdentityStore } from "./steps/identity.ts";
import { type CampaignSource, marketingStep } from "./steps/marketing.ts";
import { normalizeStep } from "./steps/normalize.ts";
import { createPipeline, type Pipeline } from "./steps/pipeline.ts";
import { privacyStep } from "./steps/privacy.ts";
import { type ProductLookup, productStep } from "./steps/product.ts";
import { type RateSource, revenueStep } from "./steps/revenue.ts";
import { sessionStep, type SessionStore } from "./steps/session.ts";
import { type UserLookup, userStep } from "./steps/user.ts";

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

/** Clients and observers every part of the enrichment is built over. */
export interface EnrichmentDeps {
  redis: Redis;
  sql: Sql;
  metrics: EnrichMetrics;
  logger: Logger;
  keyPrefix?: string;
}

/** What the cached lookups share: Redis, metrics, the throttled warning and the timeout. */
interface CacheBase {
  redis: Redis;
  record: CacheRecorder;
  onError: (error: unknown) => void;
  redisTimeoutMs: number;
}

/** The per-event stores behind the batch prefetch: what it falls back to for anything missed. */
interface Stores {
  identity: IdentityStore;
  user: UserLookup["get"];
  product: ProductLookup["get"];
  productLru: Lru<ProductRow | null>;
  session: SessionStore;
}

/** Builds every step with its adapters. */
export async function buildEnrichment(
  config: EnrichConfig,
  deps: EnrichmentDeps,
): Promise<Enrichment> {
  const { logger } = deps;
  const cache = cacheBase(config, deps);
  const pg = createPostgresLookups(deps.sql, {
    breaker: createCircuitBreaker("PostgreSQL", {
      onStateChange: breakerLog(logger, "PostgreSQL"),
    }),
    timeoutMs: config.POSTGRES_TIMEOUT_MS,
  });
  const geo = await buildGeo(config, cache, deps);
  const stores = buildStores(config, cache, pg, deps.keyPrefix);
  const campaigns = createRefresher(pg.campaigns, {
    intervalMs: config.REFRESH_INTERVAL_MS,
    onError: refreshError(logger, "campaigns"),
  });
  const rates = createRefresher(pg.rates, {
    intervalMs: config.REFRESH_INTERVAL_MS,
    onError: refreshError(logger, "currency rates"),
  });
  await Promise.all([campaigns.refresh(), rates.refresh()]);

  const pipelineOver = pipelineFactory(config, deps.metrics, {
    geo: geo.lookup,
    campaigns,
    rates,
  });
  const prefetch = createPrefetcher({
    redis: deps.redis,
    pg,
    fallback: stores,
    productLru: stores.productLru,
    prefix: deps.keyPrefix,
    record: cache.record,
    onError: cache.onError,
    redisTimeoutMs: config.REDIS_TIMEOUT_MS,
    ttl: {
      user: config.USER_CACHE_TTL_SECONDS,
      product: config.PRODUCT_CACHE_TTL_SECONDS,
      identity: 30 * 86400,
      negative: config.NEGATIVE_CACHE_TTL_SECONDS,
      session: Math.ceil((config.SESSION_TIMEOUT_MINUTES * 60_000 * 2) / 1000),
    },
  });
  const prepare = async (events: RawEvent[]): Promise<PreparedBatch> => {
    const lookups = await prefetch(events);
    return { pipeline: pipelineOver(lookups), flush: lookups.flush };
  };
  const refreshers = [campaigns, rates] as Refreshed<unknown>[];
  return {
    prepare,
    geoSources: geo.sources,
    refreshers,
    stop: () => refreshers.forEach((r) => r.stop()),
  };
}

/** Cache metrics, and one Redis warning per 10 s: a down Redis would otherwise log per event. */
function cacheBase(config: EnrichConfig, deps: EnrichmentDeps): CacheBase {
  const warning = throttle(10_000);
  return {
    redis: deps.redis,
    record: (cache, result) => deps.metrics.cacheRequests.inc({ cache, result }),
    onError: (error) => {
      if (!warning()) return;
      deps.logger.warn("Redis cache unavailable, reading the source directly", {
        error: errorMessage(error),
      });
    },
    redisTimeoutMs: config.REDIS_TIMEOUT_MS,
  };
}

function breakerLog(logger: Logger, name: string): (state: string) => void {
  return (state) => logger.warn(`Circuit of ${name} is now ${state}`);
}

function refreshError(logger: Logger, what: string): (error: unknown) => void {
  return (error) =>
    logger.warn(`Could not reload ${what}; keeping the previous copy`, {
      error: errorMessage(error),
    });
}

/** The local geo database, behind a cached HTTP geo API when `GEO_HTTP_URL` is set. */
async function buildGeo(
  config: EnrichConfig,
  cache: CacheBase,
  deps: EnrichmentDeps,
): Promise<{ lookup: GeoLookup; sources: string[] }> {
  const local = await openMmdbGeo({ path: config.GEOIP_DB_PATH });
  const sources = [...local.sources];
  if (!config.GEO_HTTP_URL) return { lookup: local, sources };
  const http = createHttpGeo({
    urlTemplate: config.GEO_HTTP_URL,
    timeoutMs: config.GEO_HTTP_TIMEOUT_MS,
    breaker: createCircuitBreaker("Geo API", {
      onStateChange: breakerLog(deps.logger, "Geo API"),
    }),
  });
  const cached = cachedLookup((ip) => http.lookup(ip), {
    ...cache,
    name: "geo",
    // Keyed hash of the IP: no visitor address in Redis.
    key: geoCacheKey({ secret: config.GEO_CACHE_KEY_SECRET, prefix: deps.keyPrefix }),
    lru: createLru({ max: 50_000, ttlMs: 3_600_000 }),
    ttlSeconds: config.GEO_CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.NEGATIVE_CACHE_TTL_SECONDS,
  });
  sources.unshift(config.GEO_HTTP_URL);
  return { lookup: withFallback({ lookup: cached }, local, { onError: cache.onError }), sources };
}

/** The cached user and product lookups and the Redis identity and session stores. */
function buildStores(
  config: EnrichConfig,
  cache: CacheBase,
  pg: PostgresLookups,
  prefix: string | undefined,
): Stores {
  // No in-process LRU for users: the sink invalidates ef:user:* in Redis, an LRU would go stale.
  const user = cachedLookup(pg.user, {
    ...cache,
    name: "user",
    key: (id) => userKey(id, prefix),
    ttlSeconds: config.USER_CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.NEGATIVE_CACHE_TTL_SECONDS,
  });
  const productLru = createLru<ProductRow | null>({ max: 20_000, ttlMs: 60_000 });
  const product = cachedLookup(pg.product, {
    ...cache,
    name: "product",
    key: (id) => productKey(id, prefix),
    lru: productLru,
    ttlSeconds: config.PRODUCT_CACHE_TTL_SECONDS,
    negativeTtlSeconds: config.NEGATIVE_CACHE_TTL_SECONDS,
  });
  const identity = createIdentityStore(cache.redis, {
    prefix,
    record: cache.record,
    timeoutMs: config.REDIS_TIMEOUT_MS,
    fromPostgres: pg.identity,
  });
  const session = createSessionStore(cache.redis, {
    prefix,
    timeoutMs: config.REDIS_TIMEOUT_MS,
    sessionTimeoutMs: config.SESSION_TIMEOUT_MINUTES * 60_000,
  });
  return { identity, user, product, productLru, session };
}

/**
 * The steps without lookups are built once; the function returned builds a batch's pipeline
 * over its prefetched lookups.
 */
function pipelineFactory(
  config: EnrichConfig,
  metrics: EnrichMetrics,
  sources: { geo: GeoLookup; campaigns: CampaignSource; rates: RateSource },
): (lookups: Omit<BatchLookups, "flush">) => Pipeline {
  const [normalize, geo, device, marketing, revenue, privacy] = [
    normalizeStep(),
    geoStep(sources.geo),
    deviceStep(),
    marketingStep(sources.campaigns),
    revenueStep(sources.rates),
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
  const timeoutMs = config.SESSION_TIMEOUT_MINUTES * 60_000;
  return (lookups) =>
    createPipeline([
      normalize,
      identityStep(lookups.identity),
      userStep(lookups.user),
      geo,
      device,
      productStep(lookups.product),
      marketing,
      sessionStep(lookups.session, { timeoutMs }),
      revenue,
      privacy,
    ], { observe });
}
