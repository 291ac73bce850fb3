/**
 * Dead-letter tool: inspect and replay what enrich (or another stage) could not process.
 *
 *   deno run -A enrich/cli/dlq.ts list [--limit N] [--reason R] [--stage S]
 *   deno run -A enrich/cli/dlq.ts show <partition>:<offset>
 *   deno run -A enrich/cli/dlq.ts replay [--reason R] [--stage enrich]
 *
 * Replay re-produces each original payload to its source topic, under its original Kafka key, with
 * the replay count in a header; downstream writes are idempotent by event_id, so replaying twice does no harm.
 */
import { parseArgs } from "node:util";
import { type DeadLetter, DeadLetterSchema } from "../../shared/events/mod.ts";
import { createConsumer, createProducer, type KafkaConfig } from "../../shared/kafka/mod.ts";
import { REPLAYS_HEADER } from "../handler.ts";

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
  while (Date.now() - last < idleMs) await new Promise((r) => setTimeout(r, 100));
  await consumer.close();
  await running.catch(() => {});
  return found.sort((a, b) =>
    a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset))
  );
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

async function main(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      limit: { type: "string" },
      reason: { type: "string" },
      stage: { type: "string" },
      topic: { type: "string" },
    },
  });
  const [command, target] = positionals;
  const kafka = {
    brokers: (Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092").split(",").map((b) => b.trim()),
    clientId: "dlq-cli",
  };
  const topic = values.topic ?? Deno.env.get("TOPIC_DEAD_LETTER") ?? "dead_letter";
  if (command === "list") {
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit <= 0) {
      console.error(`--limit must be a positive integer, got "${values.limit}"`);
      return 2;
    }
    const all = await readDeadLetters(kafka, topic);
    const matching = filterRecords(all, values).slice(-limit);
    for (const line of matching.map(formatLine)) console.log(line);
    console.error(`${matching.length} shown of ${all.length} records in ${topic}`);
    return 0;
  }
  if (command === "show") {
    const match = /^(\d+):(\d+)$/.exec(target ?? "");
    if (!match) {
      console.error(`show needs <partition>:<offset>, got "${target ?? ""}"`);
      return 2;
    }
    const found = (await readDeadLetters(kafka, topic)).find((r) =>
      r.partition === Number(match[1]) && r.offset === match[2]
    );
    if (!found) {
      console.error(`No record at ${target} in ${topic}`);
      return 1;
    }
    console.log(JSON.stringify(found.record ?? found, null, 2));
    return 0;
  }
  if (command === "replay") {
    const matching = filterRecords(await readDeadLetters(kafka, topic), values);
    const sent = await replay(kafka, matching);
    console.error(`Replayed ${sent} records to their source topics`);
    return 0;
  }
  console.error(
    "Usage: dlq.ts list [--limit N] [--reason R] [--stage S] | show <partition>:<offset> | replay [--reason R] [--stage S]",
  );
  return 2;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
