/**
 * Collects items from many Kafka batches into store writes: a write starts when `maxItems` are
 * waiting or the oldest waiting item is `maxWaitMs` old. `add` resolves only once the store has
 * the items, so the consumer commits offsets after the write and never before.
 */
import type { Clock } from "../../shared/time.ts";

/** Options for {@link createBatcher}. */
export interface BatcherOptions {
  /** Items per write (SINK_BATCH_SIZE). */
  maxItems: number;
  /** Longest an item waits for a write to start, in ms (SINK_FLUSH_MS). */
  maxWaitMs: number;
  /** Items held in memory at most (waiting plus being written); `add` waits beyond it. */
  maxBuffered: number;
  /**
   * Write without waiting for size or time once this many `add` calls are pending (default
   * Infinity). A consumer that hands over one batch at a time and waits for it sets 1: no more
   * items can arrive until this write finishes, so waiting would only add latency.
   */
  flushWhenCallersWaiting?: number;
  clock: Clock;
}

/** A running batcher. */
export interface Batcher<T> {
  /** Queues items; resolves once all are written, rejects if their write failed for good. */
  add(items: readonly T[]): Promise<void>;
  /** Items waiting plus being written. */
  buffered(): number;
  /** Writes whatever is waiting now and resolves when nothing is waiting or being written. */
  drain(): Promise<void>;
}

interface Ticket {
  remaining: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Creates a batcher whose writes run one at a time, in the order items were added. */
export function createBatcher<T>(
  write: (items: T[]) => Promise<void>,
  opts: BatcherOptions,
): Batcher<T> {
  if (opts.maxBuffered < opts.maxItems) {
    throw new RangeError(
      `Batcher maxBuffered (${opts.maxBuffered}) must be at least maxItems (${opts.maxItems})`,
    );
  }
  let waiting: { item: T; ticket: Ticket }[] = [];
  let writing = 0;
  let inFlight: Promise<void> | null = null;
  let deadline: number | null = null;
  let timer: unknown = null;
  let draining = 0;
  let callers = 0;
  const callerLimit = opts.flushWhenCallersWaiting ?? Infinity;
  const spaceWaiters: (() => void)[] = [];
  const idleWaiters: (() => void)[] = [];

  const pump = () => {
    if (inFlight !== null) return;
    if (waiting.length === 0) {
      idleWaiters.splice(0).forEach((resolve) => resolve());
      return;
    }
    const due = waiting.length >= opts.maxItems || draining > 0 || callers >= callerLimit ||
      (deadline !== null && opts.clock.now() >= deadline);
    if (!due) {
      if (timer === null && deadline !== null) {
        timer = opts.clock.setTimeout(() => {
          timer = null;
          pump();
        }, deadline - opts.clock.now());
      }
      return;
    }
    if (timer !== null) opts.clock.clearTimeout(timer);
    timer = null;
    const chunk = waiting.slice(0, opts.maxItems);
    waiting = waiting.slice(chunk.length);
    // Items left behind were added later; their wait counts from now, the oldest of them.
    deadline = waiting.length > 0 ? opts.clock.now() + opts.maxWaitMs : null;
    writing = chunk.length;
    inFlight = (async () => {
      try {
        await write(chunk.map((entry) => entry.item));
        for (const { ticket } of chunk) {
          if (--ticket.remaining === 0) ticket.resolve();
        }
      } catch (error) {
        for (const { ticket } of chunk) ticket.reject(error);
      } finally {
        writing = 0;
        inFlight = null;
        spaceWaiters.splice(0).forEach((wake) => wake());
        pump();
      }
    })();
  };

  const buffered = () => waiting.length + writing;

  return {
    buffered,
    async add(items) {
      if (items.length === 0) return;
      while (buffered() > 0 && buffered() + items.length > opts.maxBuffered) {
        await new Promise<void>((wake) => spaceWaiters.push(wake));
      }
      const done = new Promise<void>((resolve, reject) => {
        const ticket: Ticket = { remaining: items.length, resolve, reject };
        for (const item of items) waiting.push({ item, ticket });
      });
      // Rejections of items failed together are reported once, through this promise.
      done.catch(() => {});
      deadline ??= opts.clock.now() + opts.maxWaitMs;
      callers++;
      try {
        pump();
        return await done;
      } finally {
        callers--;
      }
    },
    async drain() {
      draining++;
      try {
        while (buffered() > 0) {
          const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
          pump();
          await idle;
        }
      } finally {
        draining--;
      }
    },
  };
}
