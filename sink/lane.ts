/**
 * One store's consumer lane: Kafka batches in, validated and mapped events batched into store
 * writes, retried through outages, bad rows dead-lettered. Each store has its own lane and
 * consumer group, so one store being down never holds the other back.
 */
import { EnrichedEventSchema, parseMessage } from "../shared/events/mod.ts";
import type { EnrichedEvent } from "../shared/events/mod.ts";
import type { Batch, IncomingMessage } from "../shared/kafka/mod.ts";
import type { Logger } from "../shared/log.ts";
import { errorMessage } from "../shared/errors.ts";
import { collectDeadLetters, type DeadLetterBatch, type Outcome } from "../shared/pipeline.ts";
import { type BackoffOptions, retry } from "../shared/retry.ts";
import { type Batcher, createBatcher } from "./core/batcher.ts";
import { writeIsolatingRejects } from "./core/bisect.ts";
import { RowsRejectedError } from "./core/rejections.ts";
import type { Clock } from "../shared/time.ts";
import type { DeadLetterSink } from "../shared/kafka/mod.ts";
import type { SinkMetrics } from "./metrics.ts";

/** An event on its way to a store, with the message it came from. */
export interface LaneItem<T> {
  value: T;
  event: EnrichedEvent;
  message: IncomingMessage;
}

/** What a lane needs from its store. */
export interface Store<T> {
  /** `clickhouse` or `postgres`: the metric label and `sink-<name>` dead-letter stage. */
  name: string;
  /** The value to write for an event, a dead-letter outcome, or null when not for this store. */
  prepare(event: EnrichedEvent, message: IncomingMessage): Outcome<T> | null;
  /** Writes items atomically, returning the number of rows written; throws on failure. */
  write(items: readonly LaneItem<T>[]): Promise<number>;
  isContentError(error: unknown): boolean;
}

/** Options for {@link createLane}. */
export interface LaneOptions {
  deadLetters: DeadLetterSink;
  metrics: SinkMetrics;
  logger: Logger;
  clock: Clock;
  batchSize: number;
  flushMs: number;
  /** Events held in memory at most; consumption waits beyond it. */
  maxBuffered: number;
  backoff?: BackoffOptions;
  /** Dead-letter messages that fail the schema (only one lane should, or each is sent twice). */
  deadLetterInvalid: boolean;
  /** Called when the store goes down (true) and comes back (false): pause/resume consumption. */
  onOutage?: (down: boolean) => void;
}

/** A running lane. */
export interface Lane {
  /** The consumer's handler: resolves once every event of the batch is stored or dead-lettered. */
  handle(batch: Batch): Promise<void>;
  /** False while the store is failing; `lastError` says why. */
  isUp(): boolean;
  lastError(): string | null;
  /** Stops retrying (pending handlers reject, so their offsets are not committed). */
  abort(): void;
}

/** A lane's state and what every part of it needs; one per store. */
interface LaneContext<T> {
  store: Store<T>;
  opts: LaneOptions;
  /** `sink-<store>`, the stage of rows the store rejects. */
  stage: string;
  labels: { store: string };
  aborter: AbortController;
  health: { up: boolean; lastError: string | null };
}

/** Creates a lane for `store`. */
export function createLane<T>(store: Store<T>, opts: LaneOptions): Lane {
  const ctx: LaneContext<T> = {
    store,
    opts,
    stage: `sink-${store.name}`,
    labels: { store: store.name },
    aborter: new AbortController(),
    health: { up: true, lastError: null },
  };
  opts.metrics.storeUp.set(ctx.labels, 1);
  const batcher: Batcher<LaneItem<T>> = createBatcher((items) => writeWithRetry(ctx, items), {
    maxItems: opts.batchSize,
    maxWaitMs: opts.flushMs,
    maxBuffered: opts.maxBuffered,
    // A lane waits for its write before shared/kafka reads on, so waiting for more would only
    // add latency; batches of other partitions arriving meanwhile join the next write.
    flushWhenCallersWaiting: 1,
    clock: opts.clock,
  });
  return {
    isUp: () => ctx.health.up,
    lastError: () => ctx.health.lastError,
    abort: () =>
      ctx.aborter.abort(new Error(`The ${store.name} lane stopped before its write finished`)),
    async handle(batch) {
      const { items, dead } = prepareBatch(ctx, batch);
      await batcher.add(items);
      await sendDeadLetters(ctx, dead);
    },
  };
}

/** Validates and prepares a batch's messages: items to write and dead letters. */
function prepareBatch<T>(
  ctx: LaneContext<T>,
  batch: Batch,
): { items: LaneItem<T>[]; dead: DeadLetterBatch } {
  const items: LaneItem<T>[] = [];
  const dead = collectDeadLetters(ctx.stage, { clock: ctx.opts.clock });
  for (const message of batch.messages) {
    const parsed = parseMessage(EnrichedEventSchema, message.value);
    if (!parsed.ok) {
      if (ctx.opts.deadLetterInvalid) dead.add(message, parsed, { stage: "sink" });
      continue;
    }
    const outcome = ctx.store.prepare(parsed.value, message);
    if (outcome === null) continue;
    if (outcome.kind === "drop") {
      ctx.opts.metrics.skipped.inc({ ...ctx.labels, reason: outcome.reason });
      continue;
    }
    if (outcome.kind === "ok") {
      items.push({ value: outcome.value, event: parsed.value, message });
    } else if (outcome.kind === "dlq") {
      dead.add(message, { ...outcome, eventId: parsed.value.event_id });
    } else throw new Error(`Cannot prepare event "${parsed.value.event_id}": ${outcome.error}`);
  }
  return { items, dead };
}

/** Sends a batch's dead letters and counts them per reason. */
async function sendDeadLetters<T>(ctx: LaneContext<T>, dead: DeadLetterBatch): Promise<void> {
  if (dead.records.length === 0) return;
  await ctx.opts.deadLetters.send(dead.records);
  for (const [reason, n] of dead.counts()) {
    ctx.opts.metrics.deadLetters.inc({ ...ctx.labels, reason }, n);
  }
}

/** Records whether the store is writable; tells `onOutage` when that changes. */
function setUp<T>(ctx: LaneContext<T>, value: boolean, error: string | null): void {
  const { health, opts, labels } = ctx;
  health.lastError = error;
  if (health.up === value) return;
  health.up = value;
  opts.metrics.storeUp.set(labels, value ? 1 : 0);
  opts.onOutage?.(!value);
  if (value) opts.logger.info("Store is writable again", labels);
}

/** Writes items until the store takes them, backing off between failures, until aborted. */
function writeWithRetry<T>(ctx: LaneContext<T>, items: LaneItem<T>[]): Promise<void> {
  const { opts, labels } = ctx;
  return retry(async () => {
    await writeOnce(ctx, items);
    setUp(ctx, true, null);
  }, {
    backoff: opts.backoff,
    signal: ctx.aborter.signal,
    clock: opts.clock,
    onRetry: (error, { attempt, delayMs }) => {
      opts.metrics.retries.inc(labels);
      opts.logger.warn("Store write failed; retrying the same batch", {
        ...labels,
        events: items.length,
        attempt,
        retryInMs: delayMs,
        error: errorMessage(error),
      });
      setUp(ctx, false, errorMessage(error));
    },
  });
}

/** A row kept out of the store, with the dead-letter reason and why. */
interface Refused<T> {
  item: LaneItem<T>;
  reason: string;
  error: string;
}

/**
 * Writes `part`; when the store refuses named events ({@link RowsRejectedError}) they join
 * `refused` and the rest is written again. Other errors propagate (bisection, retry).
 */
async function writeWithoutNamed<T>(
  store: Store<T>,
  part: readonly LaneItem<T>[],
  refused: Map<LaneItem<T>, Refused<T>>,
): Promise<number> {
  let rest = part;
  while (rest.length > 0) {
    try {
      return await store.write(rest);
    } catch (error) {
      if (!(error instanceof RowsRejectedError)) throw error;
      const named = rest.filter((item) => error.events.has(item.event.event_id));
      // A refusal naming none of these events would loop forever: treat it as the bug it is.
      if (named.length === 0) throw error;
      for (const item of named) {
        // A map: bisection may write the same item again after a later content error.
        refused.set(item, {
          item,
          reason: error.reason,
          error: error.events.get(item.event.event_id)!,
        });
      }
      rest = rest.filter((item) => !error.events.has(item.event.event_id));
    }
  }
  return 0;
}

/** One write of the items, dead-lettering the rows the store rejects for their content. */
async function writeOnce<T>(ctx: LaneContext<T>, items: LaneItem<T>[]): Promise<void> {
  const { store, opts, labels } = ctx;
  const started = performance.now();
  let rows = 0;
  const refused = new Map<LaneItem<T>, Refused<T>>();
  const isolated = await writeIsolatingRejects(items, async (part) => {
    rows += await writeWithoutNamed(store, part, refused);
  }, { isContentError: store.isContentError, describe: errorMessage });
  opts.metrics.insertDuration.observe(labels, (performance.now() - started) / 1000);
  const rejected = [
    ...refused.values(),
    ...isolated.map((r) => ({ item: r.item, reason: "ROW_REJECTED", error: r.error })),
  ];
  if (rejected.length > 0) {
    const dead = collectDeadLetters(ctx.stage, { clock: ctx.opts.clock });
    for (const r of rejected) {
      dead.add(r.item.message, {
        reason: r.reason,
        error: r.error,
        eventId: r.item.event.event_id,
      });
    }
    await sendDeadLetters(ctx, dead);
    opts.logger.warn("Store rejected rows; dead-lettered them", {
      ...labels,
      rejected: rejected.length,
      first: rejected[0]?.error,
    });
  }
  opts.metrics.rowsWritten.inc(labels, rows);
  opts.metrics.batchSize.observe(labels, items.length);
  const now = opts.clock.now();
  const rejectedSet = new Set(rejected.map((r) => r.item));
  for (const item of items) {
    if (rejectedSet.has(item)) continue;
    opts.metrics.freshness.observe(labels, (now - Date.parse(item.event.received_at)) / 1000);
  }
}
