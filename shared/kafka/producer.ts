/** Acknowledged, idempotent sends; concurrent callers share one request after a short linger. */

import { type MessageToProduce, Producer as ClientProducer } from "@platformatic/kafka";
import { type KafkaConfig, validateKafkaConfig } from "./config.ts";
import { KafkaError, toKafkaError } from "./errors.ts";

/** A message to send; `key` null lets the client spread messages over partitions. */
export interface OutgoingMessage {
  key: string | null;
  value: string | Uint8Array;
  headers?: Record<string, string>;
}

/** Sends messages with acks=all through an idempotent producer. */
export interface Producer {
  /** Resolves only after the broker acknowledged every message (acks=all, idempotent producer). Concurrent calls are batched together internally (linger a few ms) for throughput. */
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /** Flushes queued messages, then closes the connections. */
  close(): Promise<void>;
}

/** Options of {@linkcode createProducer}. */
export interface ProducerOptions {
  /** How long the first queued message waits for others to join its request. Default 5. */
  lingerMs?: number;
  /** A request is sent without waiting for the linger once this many messages queue, and carries at most this many (a larger send() is split into parts). Default 2000. */
  maxBatchMessages?: number;
  /**
   * Most key + value + header bytes in one request (a larger send() is split into parts). Default
   * 768 KiB: under the broker's default `message.max.bytes` (1 MiB) with room for 2000 records'
   * framing, so no partition's record batch can exceed it (even when every message has the same
   * key) however much queues behind an in-flight request.
   */
  maxBatchBytes?: number;
}

interface Pending {
  messages: MessageToProduce[];
  bytes: number;
  /** performance.now() when send() was called. */
  at: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** A producer's state, shared by the functions below; one per {@linkcode createProducer}. */
interface ProducerState {
  client: ClientProducer;
  lingerMs: number;
  maxBatchMessages: number;
  maxBatchBytes: number;
  headerBytes: (text: string) => Buffer;
  /** Whole send() calls (or parts of one) waiting for the next request, oldest first. */
  queue: Pending[];
  queued: number;
  queuedBytes: number;
  timer: ReturnType<typeof setTimeout> | null;
  inFlight: Promise<void> | null;
  closed: boolean;
}

/** Creates a {@linkcode Producer}; the connection is opened by the first send. */
export function createProducer(config: KafkaConfig, opts: ProducerOptions = {}): Promise<Producer> {
  const { brokers, clientId } = validateKafkaConfig(config);
  const lingerMs = opts.lingerMs ?? 5;
  if (!(lingerMs >= 0)) {
    throw new KafkaError("KAFKA_CONFIG_INVALID", `lingerMs must be >= 0, got ${lingerMs}`);
  }
  const state: ProducerState = {
    client: new ClientProducer({
      clientId,
      bootstrapBrokers: brokers,
      idempotent: true,
      acks: -1,
      autocreateTopics: false,
      // An idempotent producer retries forever in Java; we bound it so send() reports outages.
      retries: 10,
      retryDelay: 250,
      timeout: 30_000,
    }),
    lingerMs,
    maxBatchMessages: opts.maxBatchMessages ?? 2000,
    maxBatchBytes: opts.maxBatchBytes ?? 768 * 1024,
    headerBytes: headerBytesCache(),
    queue: [],
    queued: 0,
    queuedBytes: 0,
    timer: null,
    inFlight: null,
    closed: false,
  };
  return Promise.resolve({
    send: (topic, messages) => send(state, topic, messages),
    close: () => close(state),
  });
}

function send(state: ProducerState, topic: string, messages: OutgoingMessage[]): Promise<void> {
  if (state.closed) {
    return Promise.reject(
      new KafkaError("KAFKA_CLOSED", `Cannot send to "${topic}": the producer is closed`),
    );
  }
  if (messages.length === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const converted = messages.map((m) => toClientMessage(topic, m, state.headerBytes));
    // One call larger than a request may hold is queued as several parts; the call resolves
    // when every part is acknowledged. Parts stay in order and go one request at a time.
    const parts = splitParts(converted, {
      maxMessages: state.maxBatchMessages,
      maxBytes: state.maxBatchBytes,
    });
    let pending = parts.length;
    let failed = false;
    const at = performance.now();
    for (const part of parts) {
      state.queue.push({
        messages: part.messages,
        bytes: part.bytes,
        at,
        resolve: () => {
          if (--pending === 0 && !failed) resolve();
        },
        reject: (error) => {
          if (failed) return;
          failed = true;
          reject(error);
        },
      });
      state.queued += part.messages.length;
      state.queuedBytes += part.bytes;
    }
    schedule(state);
  });
}

async function close(state: ProducerState): Promise<void> {
  if (state.closed) return;
  state.closed = true;
  while (state.inFlight || state.queue.length > 0) {
    flush(state);
    await state.inFlight?.catch(() => {});
  }
  await state.client.close();
}

// One request at a time keeps per-partition order obvious; whatever queues meanwhile becomes
// the next request, so the batch size grows with load by itself. The linger counts from when
// the oldest queued message arrived: messages that queued behind an in-flight request have
// already waited for company, so they go as soon as it is acknowledged (lingering again after
// every acknowledgement roughly doubled the per-message latency under load).
function schedule(state: ProducerState): void {
  if (state.inFlight || state.queue.length === 0) return;
  const wait = state.queue[0]!.at + state.lingerMs - performance.now();
  if (
    state.queued >= state.maxBatchMessages || state.queuedBytes >= state.maxBatchBytes ||
    wait <= 0
  ) {
    flush(state);
  } else if (state.timer === null) {
    state.timer = setTimeout(() => flush(state), wait);
  }
}

/** Sends the queued calls that fit one request; the rest wait for its acknowledgement. */
function flush(state: ProducerState): void {
  if (state.timer !== null) {
    clearTimeout(state.timer);
    state.timer = null;
  }
  if (state.inFlight || state.queue.length === 0) return;
  const { queue } = state;
  // Whole send() calls from the front while they fit; the rest go in the next request.
  let count = 0;
  let bytes = 0;
  let take = 0;
  for (const pending of queue) {
    const fits = count + pending.messages.length <= state.maxBatchMessages &&
      bytes + pending.bytes <= state.maxBatchBytes;
    if (take > 0 && !fits) break;
    count += pending.messages.length;
    bytes += pending.bytes;
    take++;
  }
  const batch = take === queue.length ? queue : queue.slice(0, take);
  state.queue = take === queue.length ? [] : queue.slice(take);
  state.queued -= count;
  state.queuedBytes -= bytes;
  const messages = batch.length === 1 ? batch[0]!.messages : batch.flatMap((p) => p.messages);
  state.inFlight = state.client.send({ messages }).then(
    () => batch.forEach((p) => p.resolve()),
    (err) => {
      const error = toKafkaError(
        "KAFKA_SEND_FAILED",
        `Cannot send ${messages.length} message(s) to ${topicsOf(messages)}`,
        err,
      );
      batch.forEach((p) => p.reject(error));
    },
  ).finally(() => {
    state.inFlight = null;
    schedule(state);
  });
}

function toClientMessage(
  topic: string,
  message: OutgoingMessage,
  headerBytes: (text: string) => Buffer,
): MessageToProduce {
  let headers: Map<Buffer, Buffer> | undefined;
  if (message.headers) {
    headers = new Map();
    for (const name in message.headers) {
      headers.set(headerBytes(name), headerBytes(message.headers[name]!));
    }
  }
  return {
    topic,
    key: message.key === null ? undefined : Buffer.from(message.key),
    value: toBuffer(message.value),
    headers,
  };
}

/**
 * Header names and most header values (schema version, source id) repeat on every message, so
 * their bytes are made once; the client only reads them. Cleared when full so unique values
 * cannot grow it.
 */
function headerBytesCache(maxEntries = 1000): (text: string) => Buffer {
  const cache = new Map<string, Buffer>();
  return (text) => {
    let bytes = cache.get(text);
    if (bytes === undefined) {
      bytes = Buffer.from(text);
      if (cache.size >= maxEntries) cache.clear();
      cache.set(text, bytes);
    }
    return bytes;
  };
}

/** Cuts one call's messages into parts that each fit a request's message and byte caps. */
export function splitParts<M extends MessageToProduce>(
  messages: M[],
  caps: { maxMessages: number; maxBytes: number },
): Array<{ messages: M[]; bytes: number }> {
  const parts: Array<{ messages: M[]; bytes: number }> = [];
  let current: { messages: M[]; bytes: number } = { messages: [], bytes: 0 };
  for (const message of messages) {
    const size = sizeOf(message);
    const full = current.messages.length >= caps.maxMessages ||
      current.bytes + size > caps.maxBytes;
    if (current.messages.length > 0 && full) {
      parts.push(current);
      current = { messages: [], bytes: 0 };
    }
    current.messages.push(message);
    current.bytes += size;
  }
  if (current.messages.length > 0) parts.push(current);
  return parts;
}

/** Bytes a message adds to a request, near enough for the batch cap (record overhead aside). */
function sizeOf(message: MessageToProduce): number {
  let size = (message.key?.length ?? 0) + (message.value?.length ?? 0);
  // toClientMessage() always builds a Map.
  const headers = message.headers as Map<Buffer, Buffer> | undefined;
  for (const [name, value] of headers ?? []) size += name.length + value.length;
  return size;
}

function toBuffer(value: string | Uint8Array): Buffer {
  return typeof value === "string"
    ? Buffer.from(value)
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function topicsOf(messages: MessageToProduce[]): string {
  return [...new Set(messages.map((m) => `"${m.topic}"`))].join(", ");
}
