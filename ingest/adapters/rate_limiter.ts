/**
 * Per-write-key limits shared by every ingest instance through Redis, decided locally.
 *
 * Fixed windows of `windowMs`: each instance counts what it admits per counter (a write key; a
 * write key from one client IP) and decides at once from the last known global count plus its
 * own unsynced events, with no I/O on the request path. Every `syncMs` one Lua script call adds
 * the unsynced events to Redis and reads back the global counts (other instances' too).
 *
 * Why not a Redis round-trip per request: under load the check waited behind the busy event loop
 * and a starved Redis, timed out and failed open (issue 16 saw ~6,900 such requests in one run):
 * exactly when limits matter. Here a slow or down Redis only makes the view of other instances
 * older; each instance still enforces the limits on what it sees, so nothing fails open. Across N
 * instances a window can overshoot by at most what the others admitted since the last sync.
 */
import type { Redis } from "../../shared/redis/mod.ts";
import type { SourceKind } from "../core/event.ts";
import { rateLimitSubject } from "../core/ip.ts";

/** The verdict for one request. */
export type RateDecision =
  | { allowed: true }
  | {
    allowed: false;
    scope: "ip" | "write_key" | "write_key_ip";
    retryAfterSeconds: number;
    limit: number;
  };

/** Checks and counts one request's events. */
export interface RateLimiter {
  /**
   * Counts `cost` events for `sourceId` and, for a public key, for `sourceId` from `ip` (its /64
   * when IPv6), then decides; denied events are not counted.
   */
  check(
    request: { ip: string | null; sourceId: string; kind: SourceKind; cost: number },
  ): RateDecision;
}

/** Options for {@link createSyncedRateLimiter}. */
export interface SyncedRateLimiterOptions {
  /** Key prefix, e.g. `eventflow:ingest:rl` (tests use their own). */
  prefix: string;
  windowMs: number;
  /** Events per window per write key; 0 disables (and the per-IP share with it). */
  keyLimit: number;
  /**
   * Events per window per public write key from one client IP; 0 disables. Server keys have no
   * sub-quota: a shop's back end sends for all its users from a few IPs.
   */
  keyIpLimit: number;
  /** How often counts are exchanged with Redis (ms). */
  syncMs: number;
  /** Called when a sync fails (metric + log); the limiter keeps deciding on local counts. */
  onError?: (error: unknown) => void;
  /** Clock, epoch ms (default Date.now); windows are derived from it so tests can move time. */
  now?: () => number;
}

/** A limiter whose counts reach Redis in the background; `close()` stops the sync. */
export interface SyncedRateLimiter extends RateLimiter {
  /** Exchanges counts with Redis now (the timer calls it; tests call it directly). */
  sync(): Promise<void>;
  /** Stops the sync timer (the last ≤ syncMs of counts stay local: harmless at shutdown). */
  close(): void;
}

// Any number of counters in one round-trip: KEYS[i] grows by ARGV[i]; ARGV[#KEYS+1] is the TTL.
const SCRIPT = `
local out = {}
local ttl = ARGV[#KEYS + 1]
for i = 1, #KEYS do
  local n = redis.call('INCRBY', KEYS[i], ARGV[i])
  if redis.call('PTTL', KEYS[i]) < 0 then redis.call('PEXPIRE', KEYS[i], ttl) end
  out[i] = n
end
return out
`;
const COMMAND = "eventflowIngestRateLimitSync";

type ScriptCall = (...args: (string | number)[]) => Promise<number[]>;

interface Counter {
  /** The window this counter belongs to. */
  window: number;
  /** The global count at the last sync (this instance's synced events included). */
  global: number;
  /** Events this instance admitted and has not yet added to Redis. */
  local: number;
}

/** Creates the limiter and starts its sync timer (unless both limits are 0). */
export function createSyncedRateLimiter(
  redis: Redis,
  opts: SyncedRateLimiterOptions,
): SyncedRateLimiter {
  const now = opts.now ?? Date.now;
  const keyLimit = opts.keyLimit;
  const keyIpLimit = keyLimit > 0 ? opts.keyIpLimit : 0;
  if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { lua: SCRIPT });
  const run = (redis as unknown as Record<string, ScriptCall>)[COMMAND]!.bind(redis);
  const counters = new Map<string, Counter>();
  let syncing: Promise<void> | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;

  function counter(key: string, window: number): Counter {
    let found = counters.get(key);
    if (found === undefined || found.window !== window) {
      // A new window starts from zero; the old one's unsynced events no longer matter.
      found = { window, global: 0, local: 0 };
      counters.set(key, found);
    }
    return found;
  }

  async function exchange(): Promise<void> {
    const window = Math.floor(now() / opts.windowMs);
    const keys: string[] = [];
    const sent: number[] = [];
    for (const [key, c] of counters) {
      if (c.window !== window) {
        counters.delete(key);
        continue;
      }
      keys.push(`${key}:${window}`);
      sent.push(c.local);
    }
    if (keys.length === 0) return;
    const names = [...counters.keys()];
    let totals: number[];
    try {
      totals = await run(keys.length, ...keys, ...sent, opts.windowMs * 2);
    } catch (error) {
      opts.onError?.(error);
      return;
    }
    names.forEach((name, i) => {
      const c = counters.get(name);
      if (c === undefined || c.window !== window) return;
      // Events admitted while the call was in flight stay local until the next sync.
      c.local -= sent[i]!;
      c.global = totals[i]!;
    });
  }

  const limiter: SyncedRateLimiter = {
    check({ ip, sourceId, kind, cost }) {
      if (keyLimit === 0) return { allowed: true };
      const at = now();
      const window = Math.floor(at / opts.windowMs);
      const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * opts.windowMs - at) / 1000));
      const byKey = counter(`${opts.prefix}:src:${sourceId}`, window);
      if (byKey.global + byKey.local + cost > keyLimit) {
        return { allowed: false, scope: "write_key", retryAfterSeconds, limit: keyLimit };
      }
      if (keyIpLimit > 0 && ip !== null && kind === "public") {
        const subject = ip.includes(":") ? rateLimitSubject(ip) : ip;
        const byKeyIp = counter(`${opts.prefix}:kip:${sourceId}:${subject}`, window);
        if (byKeyIp.global + byKeyIp.local + cost > keyIpLimit) {
          return { allowed: false, scope: "write_key_ip", retryAfterSeconds, limit: keyIpLimit };
        }
        byKeyIp.local += cost;
      }
      byKey.local += cost;
      return { allowed: true };
    },
    sync() {
      // One exchange at a time: a slow Redis delays the next sync instead of piling calls up.
      syncing ??= exchange().finally(() => {
        syncing = null;
      });
      return syncing;
    },
    close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
  if (keyLimit > 0) timer = setInterval(() => void limiter.sync(), opts.syncMs);
  return limiter;
}
