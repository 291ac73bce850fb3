/**
 * Timeouts for many concurrent waits of the same length with one timer instead of one per wait:
 * with a fixed length, deadlines expire in the order the waits began, so the oldest pending wait
 * is the only one a timer needs to watch. Per-request `setTimeout` + `clearTimeout` was a
 * measurable share of ingest's CPU per event (see docs/ingest.md).
 */

/** Bounds promises by a fixed timeout. */
export interface Deadlines {
  /** Settles like `promise`, or rejects with `timeoutError()` after the timeout. */
  race<T>(promise: Promise<T>, timeoutError: () => Error): Promise<T>;
  /** Waits not yet settled (for tests and metrics). */
  readonly pending: number;
}

interface Waiter {
  deadline: number;
  reject: (error: Error) => void;
  timeoutError: () => Error;
}

/** Creates {@link Deadlines} for `timeoutMs`; `now` (default `performance.now`) is the clock. */
export function createDeadlines(
  timeoutMs: number,
  opts: { now?: () => number } = {},
): Deadlines {
  const now = opts.now ?? (() => performance.now());
  // A Set iterates in insertion order, i.e. by deadline, and deletes in O(1).
  const waiting = new Set<Waiter>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function arm(): void {
    if (timer !== undefined) return;
    const first = waiting.values().next();
    if (first.done) return;
    timer = setTimeout(sweep, Math.max(0, first.value.deadline - now()));
  }

  function sweep(): void {
    timer = undefined;
    const at = now();
    for (const waiter of waiting) {
      if (waiter.deadline > at) break;
      waiting.delete(waiter);
      waiter.reject(waiter.timeoutError());
    }
    arm();
  }

  function settle(waiter: Waiter): void {
    waiting.delete(waiter);
    // An idle service must not keep a timer (it would hold the process open on shutdown).
    if (waiting.size === 0 && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
  }

  return {
    race<T>(promise: Promise<T>, timeoutError: () => Error): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = { deadline: now() + timeoutMs, reject, timeoutError };
        waiting.add(waiter);
        arm();
        promise.then(
          (value) => {
            settle(waiter);
            resolve(value);
          },
          (error) => {
            settle(waiter);
            reject(error);
          },
        );
      });
    },
    get pending() {
      return waiting.size;
    },
  };
}
