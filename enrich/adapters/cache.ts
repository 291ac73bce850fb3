/**
 * Read-through caching of a lookup: an optional in-process LRU in front of an optional Redis
 * cache in front of the source. Misses are cached too (negative caching, shorter TTL) so an
 * unknown id does not hit the source on every event. A slow or down Redis is skipped, never waited
 * on: the lookup then goes straight to the source.
 */
import type { Redis } from "../../shared/redis/mod.ts";
import { errorMessage } from "../../shared/errors.ts";
import { withTimeout } from "../../shared/time.ts";
import type { Lru } from "./lru.ts";

/** Counts cache requests per cache and result, for eventflow_enrich_cache_requests_total. */
export type CacheRecorder = (cache: string, result: "hit" | "miss" | "error") => void;

/** Options for {@link cachedLookup}. */
export interface CacheOptions<V> {
  /** Label of the cache in metrics; layers are `<name>_lru` and `<name>_redis`. */
  name: string;
  /** Builds the Redis key of an id (shared/redis/keys.ts). */
  key: (id: string) => string;
  redis?: Redis | null;
  lru?: Lru<V | null> | null;
  /** TTL of a found value in Redis, seconds (default 3600). */
  ttlSeconds?: number;
  /** TTL of a "not found" answer in Redis and the LRU, seconds (default 60). */
  negativeTtlSeconds?: number;
  /** Redis command timeout in ms (default 50): a cache slower than this is not worth waiting. */
  redisTimeoutMs?: number;
  record?: CacheRecorder;
  onError?: (error: unknown) => void;
}

import { NEGATIVE_CACHE as NEGATIVE } from "../../shared/redis/keys.ts";

/** Wraps `load` in an LRU + Redis read-through cache. */
export function cachedLookup<V>(
  load: (id: string) => Promise<V | null>,
  opts: CacheOptions<V>,
): (id: string) => Promise<V | null> {
  const ttl = opts.ttlSeconds ?? 3600;
  const negativeTtl = opts.negativeTtlSeconds ?? 60;
  const timeoutMs = opts.redisTimeoutMs ?? 50;
  const record = opts.record ?? (() => {});
  const redis = opts.redis ?? null;
  const lru = opts.lru ?? null;
  return async (id) => {
    if (lru) {
      const hit = lru.get(id);
      record(`${opts.name}_lru`, hit === undefined ? "miss" : "hit");
      if (hit !== undefined) return hit;
    }
    const key = opts.key(id);
    if (redis) {
      try {
        const raw = await withTimeout(redis.get(key), timeoutMs, { what: `Redis GET ${key}` });
        record(`${opts.name}_redis`, raw === null ? "miss" : "hit");
        if (raw !== null) {
          const value = raw === NEGATIVE ? null : JSON.parse(raw) as V;
          lru?.set(id, value, value === null ? negativeTtl * 1000 : undefined);
          return value;
        }
      } catch (error) {
        record(`${opts.name}_redis`, "error");
        opts.onError?.(error);
      }
    }
    const value = await load(id);
    lru?.set(id, value, value === null ? negativeTtl * 1000 : undefined);
    if (redis) {
      const payload = value === null ? NEGATIVE : JSON.stringify(value);
      // Fire and forget: the event need not wait for the cache fill.
      withTimeout(
        redis.set(key, payload, "EX", value === null ? negativeTtl : ttl),
        timeoutMs * 4,
        { what: `Redis SET ${key}` },
      ).catch((error) => opts.onError?.(new Error(errorMessage(error))));
    }
    return value;
  };
}
