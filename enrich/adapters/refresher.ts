/**
 * A value loaded at start and refreshed periodically in the background (campaigns, currency
 * rates): events read the last good copy synchronously; a failed refresh keeps the old copy.
 */

/** A periodically refreshed value. */
export interface Refreshed<T> {
  /** The last loaded value, or null before the first successful load. */
  current(): T | null;
  /** Loads now; resolves after the attempt (never rejects). */
  refresh(): Promise<void>;
  stop(): void;
}

/** Starts refreshing `load` every `intervalMs` (default 60 000). */
export function createRefresher<T>(
  load: () => Promise<T>,
  opts: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): Refreshed<T> {
  let value: T | null = null;
  const refresh = async () => {
    try {
      value = await load();
    } catch (error) {
      opts.onError?.(error);
    }
  };
  const timer = setInterval(refresh, opts.intervalMs ?? 60_000);
  return { current: () => value, refresh, stop: () => clearInterval(timer) };
}
