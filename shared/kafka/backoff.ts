/** Retry delays for a failing batch handler. */

/** Options of {@linkcode backoffMs}. */
export interface BackoffOptions {
  /** Delay after the first failure. Default 200. */
  initialMs?: number;
  /** Upper bound of any delay. Default 10000. */
  maxMs?: number;
}

/** Delay before retry number `attempt` (1-based): doubles from `initialMs`, capped at `maxMs`. */
export function backoffMs(attempt: number, opts: BackoffOptions = {}): number {
  const initial = opts.initialMs ?? 200;
  const max = opts.maxMs ?? 10_000;
  return Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
}
