/** Conversion of client records into the adapter's wire-neutral message and batch types. */

import type { Message as ClientMessage } from "@platformatic/kafka";

/** A consumed message; `offset` and `timestamp` are decimal strings (64-bit values). */
export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Uint8Array;
  headers: Record<string, string>;
  timestamp: string;
}

/** Consecutive messages of one partition, handed to the handler at once. */
export interface Batch {
  topic: string;
  partition: number;
  messages: IncomingMessage[];
  /** highest offset in the batch */
  lastOffset: string;
}

const decoder = new TextDecoder();

/** Converts one client record. */
export function toIncoming(message: ClientMessage): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of message.headers ?? []) headers[decoder.decode(k)] = decoder.decode(v);
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    key: message.key === undefined || message.key === null || message.key.length === 0
      ? null
      : decoder.decode(message.key),
    value: message.value ?? new Uint8Array(),
    headers,
    timestamp: message.timestamp.toString(),
  };
}

/** Builds a batch from consecutive records of one partition (at least one). */
export function toBatch(records: ClientMessage[]): Batch {
  const first = records[0];
  const last = records.at(-1);
  if (!first || !last) throw new Error("Cannot build a batch from zero records");
  return {
    topic: first.topic,
    partition: first.partition,
    messages: records.map(toIncoming),
    lastOffset: last.offset.toString(),
  };
}
