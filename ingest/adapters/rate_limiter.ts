/**
 * Per-write-key and per-IP rate limiting in Redis: fixed windows counted by one Lua script (one
 * round-trip, atomic). When Redis is down or slow the limiter fails open: losing events because
 * the limiter broke would be worse than briefly not limiting (counted in a metric).
 */
import type { Redis } from "../../shared/redis/mod.ts";

/** The verdict for one request. */
export type RateDecision =
  | { allowed: true }
  | { allowed: false; scope: "ip" | "write_key"; retryAfterSeconds: number; limit: number };

/** Checks and counts one request. */
export interface RateLimiter {
  /** Counts 1 request for `ip` and `cost` events for `sourceId`, then decides. */
  check(request: { ip: string | null; sourceId: string; cost: number }): Promise<RateDecision>;
}

/** Options for {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** Key prefix, e.g. `eventflow:ingest:rl` (tests use their own). */
  prefix: string;
  windowMs: number;
  /** Events per window per source; 0 disables. */
  keyLimit: number;
  /** Requests per window per IP; 0 disables. */
  ipLimit: number;
  /** A check slower than this fails open (ms). */
  timeoutMs: number;
  /** Called when failing open (metric + log). */
  onError?: (error: unknown) => void;
  /** Clock, epoch ms (default Date.now); windows are derived from it so tests can move time. */
  now?: () => number;
}

const SCRIPT = `
local ip = 0
if KEYS[1] ~= "" then
  ip = redis.call('INCR', KEYS[1])
  if ip == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
end
local key = redis.call('INCRBY', KEYS[2], ARGV[1])
if key == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return {ip, key}
`;

const COMMAND = "eventflowIngestRateLimit";

type ScriptCall = (...args: (string | number)[]) => Promise<[number, number]>;

/** Creates the Redis limiter; the script is registered on the client (EVALSHA after the first call). */
export function createRedisRateLimiter(redis: Redis, opts: RedisRateLimiterOptions): RateLimiter {
  const now = opts.now ?? Date.now;
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { numberOfKeys: 2, lua: SCRIPT });
  const run = (redis as unknown as Record<string, ScriptCall>)[COMMAND]!.bind(redis);

  async function counts(keys: [string, string], cost: number): Promise<[number, number] | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        run(keys[0], keys[1], cost, opts.windowMs * 2),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`rate limit check timed out after ${opts.timeoutMs} ms`)),
            opts.timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      opts.onError?.(error);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async check({ ip, sourceId, cost }) {
      if (opts.keyLimit === 0 && opts.ipLimit === 0) return { allowed: true };
      const at = now();
      const window = Math.floor(at / opts.windowMs);
      const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * opts.windowMs - at) / 1000));
      const ipKey = ip !== null && opts.ipLimit > 0 ? `${opts.prefix}:ip:${ip}:${window}` : "";
      const sourceKey = `${opts.prefix}:src:${sourceId}:${window}`;
      const result = await counts([ipKey, sourceKey], cost);
      if (result === null) return { allowed: true };
      const [ipCount, keyCount] = result;
      if (opts.ipLimit > 0 && ipCount > opts.ipLimit) {
        return { allowed: false, scope: "ip", retryAfterSeconds, limit: opts.ipLimit };
      }
      if (opts.keyLimit > 0 && keyCount > opts.keyLimit) {
        return { allowed: false, scope: "write_key", retryAfterSeconds, limit: opts.keyLimit };
      }
      return { allowed: true };
    },
  };
}
