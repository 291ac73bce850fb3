/** Group consumer: per-partition batches, commit after the handler, redelivery on failure. */

import {
  Consumer as ClientConsumer,
  type Message as ClientMessage,
  type MessagesStream,
} from "@platformatic/kafka";
import { backoffDelay, type BackoffOptions, retry } from "../retry.ts";
import { type Clock, sleep } from "../time.ts";
import { type KafkaConfig, validateKafkaConfig } from "./config.ts";
import { KafkaError, toKafkaError } from "./errors.ts";
import { type Batch, toBatch } from "./message.ts";

/** What to consume and how. */
export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group without committed offsets starts: earliest when true. Default false (latest). */
  fromBeginning?: boolean;
  /** max messages handed to the handler at once. Default 500. */
  maxBatchSize?: number;
  /** Redelivery and reconnect delays (jittered). Default 200 ms doubling up to 10 s. */
  backoff?: BackoffOptions;
  /** The clock of those delays; injected by tests. Default the system clock. */
  clock?: Clock;
  /** Told about handler failures and reconnects. Default: a line on stderr. */
  onError?: (error: unknown, context: { batch?: Batch; attempt?: number }) => void;
  /** Session timeout in ms: a silent member leaves the group after it. Default 10000. */
  sessionTimeoutMs?: number;
}

/** A consumer group member, see {@linkcode createConsumer}. */
export interface Consumer {
  /** Calls handler with batches per partition (batches of different partitions concurrently); commits offset lastOffset+1 for a batch ONLY after the handler resolved. If handler throws, the consumer pauses and re-delivers that batch after backoff (never skips). */
  run(handler: (batch: Batch) => Promise<void>): Promise<void>;
  /** Pause/resume consumption of all assigned partitions (backpressure). */
  pause(): void;
  /** Resumes after {@linkcode Consumer.pause}. */
  resume(): void;
  /** Consumer lag per partition, for metrics: [{topic, partition, lag}] */
  lag(): Promise<Array<{ topic: string; partition: number; lag: number }>>;
  /** Leaves the group cleanly after the in-flight batch finished and its offset was committed. */
  close(): Promise<void>;
}

type Record_ = ClientMessage<Buffer, Buffer, Buffer, Buffer>;

/** A consumer's state, shared by the functions below; one per {@linkcode createConsumer}. */
interface ConsumerState {
  client: ClientConsumer;
  opts: ConsumerOptions;
  maxBatchSize: number;
  backoff: BackoffOptions;
  onError: NonNullable<ConsumerOptions["onError"]>;
  /** Aborted by close(): a redelivery or reconnect wait ends at once. */
  closed: AbortController;
  paused: boolean;
  running: Promise<void> | null;
  /** Wakes the read loop when data arrives, on resume() and on close(). */
  wake: (() => void) | null;
}

type Handler = (batch: Batch) => Promise<void>;
type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/**
 * Creates a {@linkcode Consumer}. `run()` resolves when `close()` was called. Delivery is
 * at least once: after a rebalance or a failed commit the new owner re-reads from the last
 * committed offset, so handlers must tolerate duplicates.
 */
export function createConsumer(config: KafkaConfig, opts: ConsumerOptions): Promise<Consumer> {
  const { brokers, clientId } = validateKafkaConfig(config);
  const maxBatchSize = opts.maxBatchSize ?? 500;
  validateOptions(opts, maxBatchSize);
  const state: ConsumerState = {
    client: new ClientConsumer({
      clientId,
      bootstrapBrokers: brokers,
      groupId: opts.groupId,
      sessionTimeout: opts.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1000,
      autocommit: false,
      maxWaitTime: 500,
      timeout: 30_000,
    }),
    opts,
    maxBatchSize,
    backoff: { baseMs: 200, maxMs: 10_000, ...opts.backoff },
    onError: opts.onError ?? defaultOnError,
    closed: new AbortController(),
    paused: false,
    running: null,
    wake: null,
  };
  return Promise.resolve({
    run: (handler) => run(state, handler),
    pause() {
      state.paused = true;
    },
    resume() {
      state.paused = false;
      poke(state);
    },
    lag: () => readLag(state),
    close: () => close(state),
  });
}

function isClosing(state: ConsumerState): boolean {
  return state.closed.signal.aborted;
}

function poke(state: ConsumerState): void {
  const wake = state.wake;
  state.wake = null;
  wake?.();
}

/** Waits until {@linkcode poke} is called. */
function sleepUntilPoked(state: ConsumerState): Promise<void> {
  return new Promise<void>((resolve) => (state.wake = resolve));
}

function run(state: ConsumerState, handler: Handler): Promise<void> {
  const { groupId } = state.opts;
  if (state.running) {
    return Promise.reject(
      new KafkaError("KAFKA_CONFIG_INVALID", `Consumer of group "${groupId}" is already running`),
    );
  }
  if (isClosing(state)) {
    return Promise.reject(
      new KafkaError("KAFKA_CLOSED", `Consumer of group "${groupId}" is closed`),
    );
  }
  state.running = loop(state, handler);
  return state.running;
}

async function close(state: ConsumerState): Promise<void> {
  if (isClosing(state)) {
    await state.running?.catch(() => {});
    return;
  }
  state.closed.abort();
  poke(state);
  await state.running?.catch(() => {});
  await state.client.close(true);
}

async function readLag(
  state: ConsumerState,
): Promise<Array<{ topic: string; partition: number; lag: number }>> {
  try {
    const lags = await state.client.getLag({ topics: state.opts.topics });
    const out: Array<{ topic: string; partition: number; lag: number }> = [];
    for (const [topic, partitions] of lags) {
      partitions.forEach((lag, partition) => {
        // Negative values mark partitions assigned to other members.
        if (lag >= 0n) out.push({ topic, partition, lag: Number(lag) });
      });
    }
    return out;
  } catch (err) {
    throw toKafkaError(
      "KAFKA_UNAVAILABLE",
      `Cannot read the lag of group "${state.opts.groupId}"`,
      err,
    );
  }
}

/** Reads until closed, rebuilding the stream with backoff whenever it fails. */
async function loop(state: ConsumerState, handler: Handler): Promise<void> {
  const { opts } = state;
  for (let attempt = 1; !isClosing(state); attempt++) {
    let stream: Stream | null = null;
    try {
      stream = await state.client.consume({
        topics: opts.topics,
        mode: "committed",
        fallbackMode: opts.fromBeginning ? "earliest" : "latest",
        autocommit: false,
        highWaterMark: state.maxBatchSize * 2,
      });
      await consumeStream(state, stream, handler);
      attempt = 0;
    } catch (err) {
      if (isClosing(state)) break;
      // The stream is rebuilt from the committed offsets, so nothing uncommitted is skipped.
      state.onError(
        toKafkaError("KAFKA_UNAVAILABLE", "Consumer stream failed, reconnecting", err),
        { attempt },
      );
      await sleep(backoffDelay(attempt - 1, state.backoff), {
        signal: state.closed.signal,
        clock: opts.clock,
      }).catch(() => {});
    } finally {
      await stream?.close().catch(() => {});
    }
  }
}

/** Reads records into per-partition batches and hands them over until closed or failed. */
async function consumeStream(
  state: ConsumerState,
  stream: Stream,
  handler: Handler,
): Promise<void> {
  let failure: unknown = null;
  const onReadable = () => poke(state);
  const onError = (err: unknown) => {
    failure = err;
    poke(state);
  };
  stream.on("readable", onReadable);
  stream.on("error", onError);
  stream.on("close", onReadable);
  // Records of one partition in arrival order; Map keeps partitions in first-seen order.
  const buckets = new Map<string, Record_[]>();
  try {
    while (!isClosing(state)) {
      if (failure) throw failure;
      if (state.paused) {
        // Not reading lets the stream's buffer fill, which stops its fetches: backpressure.
        await sleepUntilPoked(state);
        continue;
      }
      const record = stream.read() as Record_ | null;
      if (record !== null) {
        const key = `${record.topic}\0${record.partition}`;
        const bucket = buckets.get(key) ?? [];
        bucket.push(record);
        buckets.set(key, bucket);
        if (bucket.length >= state.maxBatchSize) await deliverAll(state, buckets, handler);
        continue;
      }
      if (buckets.size > 0) {
        await deliverAll(state, buckets, handler);
        continue;
      }
      if (stream.destroyed || stream.readableEnded) {
        throw failure ?? new Error("The message stream closed unexpectedly");
      }
      await sleepUntilPoked(state);
    }
  } finally {
    stream.off("readable", onReadable);
    stream.off("error", onError);
    stream.off("close", onReadable);
  }
}

/**
 * Hands every bucket's batch over at once and empties `buckets`. Partitions are independent, so
 * their batches go to the handler concurrently: a consumer holding six partitions would otherwise
 * wait for six handler + commit round trips in turn, which was most of the end-to-end latency.
 * Nothing more is read until every batch is handled and committed, so a failing batch still holds
 * the stream back (backpressure).
 */
async function deliverAll(
  state: ConsumerState,
  buckets: Map<string, Record_[]>,
  handler: Handler,
): Promise<void> {
  const batches = [...buckets.values()];
  buckets.clear();
  const results = await Promise.allSettled(
    batches.map((records) => deliver(state, records, handler)),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
}

/** Whether this member still owns the partition. */
function owns(state: ConsumerState, topic: string, partition: number): boolean {
  const assignments = state.client.assignments;
  // Before the first join the client reports null; the stream only yields assigned records.
  if (!assignments) return true;
  return assignments.some((a) => a.topic === topic && a.partitions.includes(partition));
}

/** Hands one partition's batch to the handler until it succeeds, then commits it. */
async function deliver(state: ConsumerState, records: Record_[], handler: Handler): Promise<void> {
  const last = records.at(-1);
  if (!last) return;
  const batch = toBatch(records);
  let owned = true;
  try {
    await retry(async () => {
      // A partition revoked meanwhile is re-read by its new owner from the committed offset.
      owned = owns(state, batch.topic, batch.partition);
      if (owned) await handler(batch);
    }, {
      backoff: state.backoff,
      signal: state.closed.signal,
      clock: state.opts.clock,
      onRetry: (err, { attempt }) => state.onError(err, { batch, attempt }),
    });
  } catch (err) {
    // Closing: the batch stays uncommitted and its next owner reads it again.
    if (isClosing(state)) return;
    throw err;
  }
  if (!owned) return;
  try {
    await last.commit();
  } catch (err) {
    throw toKafkaError(
      "KAFKA_COMMIT_FAILED",
      `Cannot commit offset ${last.offset + 1n} of "${batch.topic}" partition ${batch.partition}`,
      err,
    );
  }
}

function validateOptions(opts: ConsumerOptions, maxBatchSize: number): void {
  const problems: string[] = [];
  if (!opts.groupId) {
    problems.push(`groupId must be non-empty, got ${JSON.stringify(opts.groupId)}`);
  }
  if (!Array.isArray(opts.topics) || opts.topics.length === 0 || opts.topics.some((t) => !t)) {
    problems.push(`topics must list non-empty names, got ${JSON.stringify(opts.topics)}`);
  }
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    problems.push(`maxBatchSize must be a positive integer, got ${maxBatchSize}`);
  }
  if (problems.length > 0) {
    throw new KafkaError(
      "KAFKA_CONFIG_INVALID",
      `Invalid consumer options: ${problems.join("; ")}`,
    );
  }
}

function defaultOnError(error: unknown, context: { batch?: Batch; attempt?: number }): void {
  const where = context.batch
    ? ` (batch "${context.batch.topic}" partition ${context.batch.partition} up to offset ` +
      `${context.batch.lastOffset}, attempt ${context.attempt})`
    : "";
  console.error(`Kafka consumer error${where}: ${error instanceof Error ? error.message : error}`);
}
