/**
 * One backoff formula and one retry loop for every stage: a Kafka batch handler, a produce, a
 * store write, an alert delivery.
 *
 * @example
 * ```ts
 * import { retry } from "./retry.ts";
 * const value = await retry(() => Promise.resolve(42), { attempts: 3 });
 * ```
 *
 * @module
 */
import { type Clock, sleep } from "./time.ts";

/** Options of {@link backoffDelay}. */
export interface BackoffOptions {
  /** Delay of the first retry in ms before jitter (default 200). */
  baseMs?: number;
  /** Upper bound of any delay in ms (default 30000). */
  maxMs?: number;
  /** Source of randomness in [0, 1) (default Math.random); injected by tests. */
  random?: () => number;
}

/**
 * The delay before retry number `retry` (0-based): the step doubles from `baseMs` up to `maxMs`,
 * and the delay is half of it fixed, half random ("equal jitter"), so many consumers that lost the
 * same dependency do not retry in lockstep, yet never retry instantly.
 */
export function backoffDelay(retry: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? 200;
  const max = opts.maxMs ?? 30_000;
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.min(Math.max(0, retry), 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Attempts in all, the first included (default: no limit). */
  attempts?: number;
  /** The backoff between attempts, see {@link backoffDelay}. */
  backoff?: BackoffOptions;
  /**
   * The wait after failed attempt `attempt` (1-based) when the failure itself says how long (a
   * Retry-After); return null for the backoff.
   */
  delayMs?: (error: unknown, attempt: number) => number | null;
  /** Whether a failure is worth another attempt (default: every failure). */
  retryable?: (error: unknown) => boolean;
  /** Told before each wait: the failure, the attempt that failed (1-based) and the wait. */
  onRetry?: (error: unknown, info: { attempt: number; delayMs: number }) => void;
  /** Stops retrying: a wait ends at once and the loop rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** The clock of the waits (default the system clock). */
  clock?: Clock;
}

/**
 * Calls `fn(attempt)` (attempt 1-based) until it resolves, waiting with backoff between failures.
 * Rejects with the last failure once `attempts` are used up or a failure is not retryable, and
 * with `signal.reason` once the signal aborted.
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const attempts = opts.attempts ?? Infinity;
  const { signal } = opts;
  for (let attempt = 1;; attempt++) {
    if (signal?.aborted) throw signal.reason;
    try {
      return await fn(attempt);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (attempt >= attempts || opts.retryable?.(error) === false) throw error;
      const delayMs = opts.delayMs?.(error, attempt) ?? backoffDelay(attempt - 1, opts.backoff);
      opts.onRetry?.(error, { attempt, delayMs });
      await sleep(delayMs, { signal, clock: opts.clock });
    }
  }
}
