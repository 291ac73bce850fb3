/**
 * Time as a dependency: one {@link Clock} (real or fake), one {@link sleep}, one
 * {@link withTimeout} and one {@link throttle}, so batching, backoff, timeouts and rate-limited
 * warnings are tested with a fake clock instead of real waits.
 *
 * @example
 * ```ts
 * import { FakeClock, sleep } from "./time.ts";
 * const clock = new FakeClock();
 * const slept = sleep(1000, { clock });
 * await clock.advance(1000);
 * await slept;
 * ```
 *
 * @module
 */
import { EventFlowError } from "./errors.ts";

/** What timers, retries and batchers need from time. */
export interface Clock {
  /** Milliseconds since the epoch (or since the fake clock's start). */
  now(): number;
  /** Schedules `fn`; the handle is opaque (a number in Deno, an object under Node types). */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as number),
};

/** Options of {@link sleep}. */
export interface SleepOptions {
  /** Ends the wait early: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** The clock whose timer is used (default {@link systemClock}). */
  clock?: Clock;
}

/** Resolves after `ms` on the clock, or rejects with `signal.reason` once the signal aborts. */
export function sleep(ms: number, opts: SleepOptions = {}): Promise<void> {
  const { signal } = opts;
  const clock = opts.clock ?? systemClock;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clock.clearTimeout(id);
      reject(signal?.reason);
    };
    const id = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Thrown by {@link withTimeout}: retrying later can help. */
export class TimeoutError extends EventFlowError {
  constructor(message: string) {
    super("TIMEOUT", message, { retriable: true });
    this.name = "TimeoutError";
  }
}

/** Options of {@link withTimeout}. */
export interface TimeoutOptions {
  /** What is waited for, the start of the message: `Redis GET ef:user:1` (default "The call"). */
  what?: string;
  /** The clock whose timer is used (default {@link systemClock}). */
  clock?: Clock;
}

/**
 * Settles as `promise` does, or rejects with a {@link TimeoutError} "`what` timed out after `ms`
 * ms" when it has not settled by then. The promise itself is not cancelled.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  opts: TimeoutOptions = {},
): Promise<T> {
  const clock = opts.clock ?? systemClock;
  let timer: unknown;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(
      () => reject(new TimeoutError(`${opts.what ?? "The call"} timed out after ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clock.clearTimeout(timer));
}

/**
 * A gate that opens at most once per `intervalMs`: the first call returns true, later calls
 * return true again only once the interval has passed. For "warn at most every 10 s" while a
 * dependency is down, so an outage is noticed without a log line per event.
 */
export function throttle(intervalMs: number, opts: { clock?: Clock } = {}): () => boolean {
  const clock = opts.clock ?? systemClock;
  let last: number | null = null;
  return () => {
    const now = clock.now();
    if (last !== null && now - last < intervalMs) return false;
    last = now;
    return true;
  };
}

/** Options of {@link FakeClock}. */
export interface FakeClockOptions {
  /** The first value of `now()` (default 0). */
  start?: number;
  /**
   * Fire every timer as soon as it is set (on the next microtask), time jumping to it: for code
   * whose waits a test only wants to see, not to step through (default false).
   */
  autoAdvance?: boolean;
}

/**
 * A manual clock for tests: timers fire only when {@link FakeClock.advance} passes them, or at
 * once with `autoAdvance`. {@link FakeClock.delays} lists every timer's delay as it was set.
 */
export class FakeClock implements Clock {
  #now: number;
  #next = 1;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #autoAdvance: boolean;
  /** The `ms` of every `setTimeout` call, in order. */
  readonly delays: number[] = [];

  constructor(opts: FakeClockOptions | number = {}) {
    const options = typeof opts === "number" ? { start: opts } : opts;
    this.#now = options.start ?? 0;
    this.#autoAdvance = options.autoAdvance ?? false;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.#next++;
    const at = this.#now + Math.max(0, ms);
    this.delays.push(ms);
    this.#timers.set(id, { at, fn });
    if (this.#autoAdvance) {
      queueMicrotask(() => {
        if (!this.#timers.delete(id)) return;
        this.#now = Math.max(this.#now, at);
        fn();
      });
    }
    return id;
  }

  clearTimeout(id: unknown): void {
    this.#timers.delete(id as number);
  }

  /** Number of timers waiting to fire. */
  pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward, firing due timers in order and letting promise callbacks run between. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (;;) {
      await settle();
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= until)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].fn();
    }
    this.#now = until;
    await settle();
  }
}

/** Lets queued promise callbacks run (tests that step a {@link FakeClock}). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}
