/**
 * The Redis adapter: one ioredis client per service, built in `main.ts`.
 */
import { Redis } from "ioredis";

export type { Redis } from "ioredis";

/** Options for {@link createRedis}. */
export interface RedisOptions {
  /** Fail a command after this many reconnect attempts instead of queueing forever (default 1). */
  maxRetriesPerRequest?: number;
  /** Connect on first command rather than immediately (default false). */
  lazyConnect?: boolean;
}

/** Creates an ioredis client for `url` that fails fast while Redis is down. */
export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: opts.maxRetriesPerRequest ?? 1,
    lazyConnect: opts.lazyConnect ?? false,
    enableOfflineQueue: true,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}
