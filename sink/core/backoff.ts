/** Retry delays for a store that is down: exponential, capped, with jitter. */

/** Options for {@link backoffDelay}. */
export interface BackoffOptions {
  /** Delay of the first retry in ms before jitter (default 200). */
  baseMs?: number;
  /** Upper bound of any delay in ms (default 30000). */
  maxMs?: number;
  /** Source of randomness in [0, 1) (default Math.random); injected by tests. */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (0-based): half fixed, half random ("equal jitter"),
 * so many sinks that lost the same store do not retry in lockstep, yet never retry instantly.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? 200;
  const max = opts.maxMs ?? 30_000;
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
