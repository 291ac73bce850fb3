/**
 * The answer cache: Redis under `prefix`, with stampede protection in two layers.
 *
 * - In one process, identical requests in flight share one computation (a single-flight map);
 *   the shared ClickHouse query is cancelled only when every waiting request has gone away.
 * - Across processes, the first instance takes a Redis lock (`SET NX PX`) and computes; the
 *   others poll for the answer while the lock lives, and compute themselves only if it vanishes
 *   without an answer (the holder died) or the wait runs out.
 *
 * Redis is an optimization: while it is down (not connected, or an operation fails or is slow)
 * answers are computed uncached and {@link AnswerCache.status} says so for `/readyz`.
 */
import type { Redis } from "../../shared/redis/mod.ts";
import { errorMessage } from "../../shared/errors.ts";

/** How an answer was obtained: from the cache (or a computation already in flight), or computed. */
export type CacheOutcome = "hit" | "miss";

/** The cache the routes use. */
export interface AnswerCache {
  /**
   * The cached answer under `key`, else `compute`'s, cached for `ttlSeconds`. Answers are JSON
   * text: a hit is sent as stored, without parsing and serializing it again.
   */
  get(
    key: string,
    compute: (signal: AbortSignal) => Promise<string>,
    opts: { ttlSeconds: number; signal?: AbortSignal },
  ): Promise<{ value: string; outcome: CacheOutcome }>;
  /** Whether Redis is usable, with the last error when it is not. */
  status(): { ok: boolean; error?: string };
}

/** Options for {@link createRedisCache}. */
export interface RedisCacheOptions {
  prefix: string;
  /** How long a lock holder may compute before others stop waiting for it (ms, default 30000). */
  lockWaitMs?: number;
  /** Poll interval while another instance computes (ms, default 25). */
  pollMs?: number;
  /** A Redis operation slower than this counts as Redis being down (ms, default 250). */
  timeoutMs?: number;
  /** Called when an answer is served uncached because Redis failed. */
  onRedisError?: (error: unknown) => void;
}

interface Flight {
  promise: Promise<{ value: string; outcome: CacheOutcome }>;
  controller: AbortController;
  waiters: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Joins the in-flight computation of `key`, or starts one with `run`. */
function singleFlight(
  flights: Map<string, Flight>,
  key: string,
  run: (signal: AbortSignal) => Promise<{ value: string; outcome: CacheOutcome }>,
  signal: AbortSignal | undefined,
): Promise<{ value: string; outcome: CacheOutcome }> {
  let flight = flights.get(key);
  const joined = flight !== undefined;
  if (flight === undefined) {
    const controller = new AbortController();
    const created: Flight = { controller, waiters: 0, promise: Promise.resolve(null as never) };
    created.promise = run(controller.signal).finally(() => flights.delete(key));
    flights.set(key, created);
    flight = created;
  }
  const current = flight;
  current.waiters++;
  const leave = () => {
    current.waiters--;
    if (current.waiters === 0) current.controller.abort(signal?.reason);
  };
  signal?.addEventListener("abort", leave, { once: true });
  const result = current.promise.then((r) => (joined ? { ...r, outcome: "hit" as const } : r));
  return new Promise((resolve, reject) => {
    // A waiter that goes away stops waiting at once; the others keep the computation going.
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    result.then(resolve, reject).finally(() => signal?.removeEventListener("abort", leave));
  });
}

/** A cache in Redis with single-flight computations. */
export function createRedisCache(redis: Redis, opts: RedisCacheOptions): AnswerCache {
  const flights = new Map<string, Flight>();
  const lockWaitMs = opts.lockWaitMs ?? 30_000;
  const pollMs = opts.pollMs ?? 25;
  const timeoutMs = opts.timeoutMs ?? 250;
  let lastError: string | undefined;
  const usable = () => redis.status === "ready";
  const redisOp = async <T>(op: () => Promise<T>): Promise<T> => {
    try {
      const value = await withTimeout(op(), timeoutMs);
      lastError = undefined;
      return value;
    } catch (error) {
      lastError = errorMessage(error);
      opts.onRedisError?.(error);
      throw error;
    }
  };

  const computeShared = async (
    key: string,
    compute: (signal: AbortSignal) => Promise<string>,
    ttlSeconds: number,
    signal: AbortSignal,
  ): Promise<{ value: string; outcome: CacheOutcome }> => {
    const fullKey = `${opts.prefix}${key}`;
    const lockKey = `${fullKey}:lock`;
    if (!usable()) return { value: await compute(signal), outcome: "miss" };
    let lockToken: string | null = null;
    try {
      const deadline = Date.now() + lockWaitMs;
      for (;;) {
        const cached = await redisOp(() => redis.get(fullKey));
        if (cached !== null) return { value: cached, outcome: "hit" };
        const token = crypto.randomUUID();
        const locked = await redisOp(() => redis.set(lockKey, token, "PX", lockWaitMs, "NX"));
        if (locked === "OK") {
          lockToken = token;
          break;
        }
        if (Date.now() > deadline) break; // the holder is stuck: compute without the lock
        await sleep(pollMs);
        signal.throwIfAborted();
      }
    } catch (error) {
      if (signal.aborted) throw error;
      // Redis failed: answer uncached.
      return { value: await compute(signal), outcome: "miss" };
    }
    try {
      const value = await compute(signal);
      await redisOp(() => redis.set(fullKey, value, "EX", ttlSeconds)).catch(
        () => {},
      );
      return { value, outcome: "miss" };
    } finally {
      if (lockToken !== null) {
        const token = lockToken;
        // Delete the lock only if it is still ours (it may have expired and been retaken).
        await redisOp(() =>
          redis.eval(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
            1,
            lockKey,
            token,
          )
        ).catch(() => {});
      }
    }
  };

  return {
    get(key, compute, { ttlSeconds, signal }) {
      return singleFlight(flights, key, (s) => computeShared(key, compute, ttlSeconds, s), signal);
    },
    status() {
      if (!usable()) {
        return { ok: false, error: lastError ?? `Redis connection is ${redis.status}` };
      }
      return lastError === undefined ? { ok: true } : { ok: false, error: lastError };
    },
  };
}
