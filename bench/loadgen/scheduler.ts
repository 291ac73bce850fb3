/**
 * Open-loop scheduling: request i is due at `start + i × interval` whatever happened to earlier
 * ones, and its latency is measured from that intended time. A stalled client or server therefore
 * shows up as latency instead of silently lowering the offered rate (no coordinated omission).
 */

/** Time source; the real one wraps `performance.now()` and `setTimeout`, tests pass a fake. */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** One request's fate, reported to the caller. */
export interface Completion {
  index: number;
  /** Milliseconds from the intended send time to the response. */
  latencyMs: number;
  ok: boolean;
}

/** Options of {@link runOpenLoop}. */
export interface OpenLoopOptions {
  /** Requests per second. */
  rate: number;
  durationMs: number;
  clock?: Clock;
  /** Sends request `index`; resolves true when it succeeded. Must not throw. */
  send: (index: number) => Promise<boolean>;
  onComplete?: (c: Completion) => void;
  /** Requests in flight before new ones are counted as failed without sending. Default 20,000. */
  maxInflight?: number;
}

/** Intended send time (ms after start) of request `index` at `rate` per second. */
export function intendedOffset(index: number, rate: number): number {
  return (index * 1000) / rate;
}

/** Requests due by `elapsedMs` (the first `n` indexes), never more than `total`. */
export function dueCount(elapsedMs: number, rate: number, total: number): number {
  return Math.min(total, Math.floor((elapsedMs * rate) / 1000) + 1);
}

/** Runs the schedule and resolves when every request has completed; returns how many were sent. */
export async function runOpenLoop(
  opts: OpenLoopOptions,
): Promise<{ scheduled: number; dropped: number }> {
  const clock = opts.clock ?? realClock;
  const total = Math.max(0, Math.floor((opts.durationMs * opts.rate) / 1000));
  const maxInflight = opts.maxInflight ?? 20_000;
  const start = clock.now();
  const inflight = new Set<Promise<void>>();
  let next = 0;
  let dropped = 0;
  while (next < total) {
    const due = dueCount(clock.now() - start, opts.rate, total);
    for (; next < due; next++) {
      const intended = start + intendedOffset(next, opts.rate);
      const index = next;
      if (inflight.size >= maxInflight) {
        dropped++;
        opts.onComplete?.({ index, latencyMs: clock.now() - intended, ok: false });
        continue;
      }
      const p = opts.send(index).then((ok) => {
        inflight.delete(p);
        opts.onComplete?.({ index, latencyMs: clock.now() - intended, ok });
      });
      inflight.add(p);
    }
    if (next < total) {
      await clock.sleep(start + intendedOffset(next, opts.rate) - clock.now());
    }
  }
  await Promise.all(inflight);
  return { scheduled: total, dropped };
}
