/**
 * What every stage dead-lettered, read back from the dead-letter topic: list, filter, find one,
 * replay. Used by the `tools/dlq.ts` command line, and meant for an admin page too.
 *
 * Replay re-produces each original payload to its source topic, under its original Kafka key, with
 * the replay count in a header; downstream writes are idempotent by event_id, so replaying twice
 * does no harm.
 * @module
 */
import { type DeadLetter, DeadLetterSchema, REPLAYS_HEADER } from "../events/mod.ts";
import { createConsumer, createProducer, type KafkaConfig } from "../kafka/mod.ts";
import { sleep } from "../time.ts";

/** A dead-letter record and where it sits in the dead-letter topic. */
export interface Located {
  partition: number;
  offset: string;
  record: DeadLetter | null;
  /** Why the record itself could not be read, when `record` is null. */
  invalid?: string;
}

/** Reads the whole dead-letter topic; stops once no message arrived for `idleMs`. */
export async function readDeadLetters(
  kafka: KafkaConfig,
  topic: string,
  opts: { idleMs?: number } = {},
): Promise<Located[]> {
  const consumer = await createConsumer(kafka, {
    groupId: `dlq-cli-${crypto.randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
  });
  const found: Located[] = [];
  let last = Date.now();
  const running = consumer.run((batch) => {
    last = Date.now();
    for (const m of batch.messages) {
      try {
        found.push({
          partition: m.partition,
          offset: m.offset,
          record: DeadLetterSchema.parse(JSON.parse(new TextDecoder().decode(m.value))),
        });
      } catch (error) {
        found.push({
          partition: m.partition,
          offset: m.offset,
          record: null,
          invalid: String(error),
        });
      }
    }
    return Promise.resolve();
  });
  const idleMs = opts.idleMs ?? 3000;
  while (Date.now() - last < idleMs) await sleep(100);
  await consumer.close();
  await running.catch(() => {});
  return found.sort((a, b) =>
    a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset))
  );
}

/** Where a record sits: `<partition>:<offset>`, as `list` prints and `show` takes. */
export interface Position {
  partition: number;
  offset: string;
}

/** Parses `<partition>:<offset>`, or null when `text` is not one. */
export function parsePosition(text: string): Position | null {
  const match = /^(\d+):(\d+)$/.exec(text);
  return match ? { partition: Number(match[1]), offset: match[2]! } : null;
}

/** The record at `position`, or undefined. */
export function findRecord(records: Located[], position: Position): Located | undefined {
  return records.find((r) => r.partition === position.partition && r.offset === position.offset);
}

/** Keeps the records matching the filters. */
export function filterRecords(
  records: Located[],
  filter: { reason?: string; stage?: string },
): Located[] {
  return records.filter(({ record }) =>
    record !== null &&
    (filter.reason === undefined || record.reason === filter.reason) &&
    (filter.stage === undefined || record.stage === filter.stage)
  );
}

/** One summary line per record. */
export function formatLine({ partition, offset, record, invalid }: Located): string {
  if (record === null) return `${partition}:${offset}\tUNREADABLE\t${invalid ?? ""}`;
  return [
    `${partition}:${offset}`,
    record.failed_at,
    record.stage,
    record.reason,
    record.event_id ?? "-",
    `replays=${record.replays}`,
    record.error.slice(0, 120),
  ].join("\t");
}

/** The original payload bytes of a record. */
export function payloadBytes(record: DeadLetter): Uint8Array {
  if (record.payload_encoding === "utf8") return new TextEncoder().encode(record.payload);
  return Uint8Array.from(atob(record.payload), (c) => c.charCodeAt(0));
}

/**
 * The key to replay a record with: the original message's key, so the event joins its user's
 * partition and per-user order holds; records from before the key was kept fall back to event_id.
 */
export function replayKey(record: DeadLetter): string | null {
  return record.source.key === undefined ? record.event_id : record.source.key;
}

/** Re-produces the records' payloads to their source topics; returns how many were sent. */
export async function replay(kafka: KafkaConfig, records: Located[]): Promise<number> {
  const producer = await createProducer(kafka);
  try {
    const byTopic = new Map<
      string,
      Array<{ key: string | null; value: Uint8Array; headers: Record<string, string> }>
    >();
    for (const { record } of records) {
      if (record === null) continue;
      const list = byTopic.get(record.source.topic) ?? [];
      list.push({
        key: replayKey(record),
        value: payloadBytes(record),
        headers: { [REPLAYS_HEADER]: String(record.replays + 1) },
      });
      byTopic.set(record.source.topic, list);
    }
    for (const [topic, messages] of byTopic) await producer.send(topic, messages);
    return [...byTopic.values()].reduce((n, list) => n + list.length, 0);
  } finally {
    await producer.close();
  }
}
