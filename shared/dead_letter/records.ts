/**
 * What every stage dead-lettered, read back from the dead-letter topic: list, browse (by stage,
 * reason, time, in pages), find one, replay the selected ones. Used by the `tools/dlq.ts` command
 * line and the admin console's dead-letter page, so both select and replay alike (replay.ts).
 * @module
 */
import { DeadLetterSchema } from "../events/mod.ts";
import type { DeadLetter } from "../events/mod.ts";
import { createConsumer, type KafkaConfig } from "../kafka/mod.ts";
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

/**
 * Which records an operation applies to. Every given field must match; `positions` and
 * `eventIds` match any of their entries.
 */
export interface DeadLetterFilter {
  reason?: string;
  stage?: string;
  /** Records that failed at or after this instant. */
  since?: Date;
  /** Records at these `<partition>:<offset>` positions. */
  positions?: Position[];
  /** Records of these event ids. */
  eventIds?: string[];
}

/** True when `filter` narrows anything: a replay without one must be asked for explicitly. */
export function isNarrowing(filter: DeadLetterFilter): boolean {
  return filter.reason !== undefined || filter.stage !== undefined ||
    filter.since !== undefined || (filter.positions?.length ?? 0) > 0 ||
    (filter.eventIds?.length ?? 0) > 0;
}

/** Keeps the readable records matching the filter. */
export function filterRecords(records: Located[], filter: DeadLetterFilter): Located[] {
  const at = (r: Located) => (p: Position) => p.partition === r.partition && p.offset === r.offset;
  return records.filter((located) => {
    const { record } = located;
    return record !== null &&
      (filter.reason === undefined || record.reason === filter.reason) &&
      (filter.stage === undefined || record.stage === filter.stage) &&
      (filter.since === undefined || Date.parse(record.failed_at) >= filter.since.getTime()) &&
      (filter.positions === undefined || filter.positions.length === 0 ||
        filter.positions.some(at(located))) &&
      (filter.eventIds === undefined || filter.eventIds.length === 0 ||
        (record.event_id !== null && filter.eventIds.includes(record.event_id)));
  });
}

/** One page of records, newest first, with the counts a browser offers as filters. */
export interface DeadLetterPage {
  /** Matching records on this page, newest (highest failed_at) first. */
  items: Located[];
  /** How many records match the filter across all pages. */
  total: number;
  page: number;
  pageSize: number;
  /** Records per stage and per reason in the whole topic, unfiltered, most frequent first. */
  stages: [string, number][];
  reasons: [string, number][];
  /** Records that could not be parsed at all (never in `items`). */
  unreadable: number;
}

/** Pages through `records` by stage and reason (page 1 is the newest `pageSize`, default 50). */
export function browseDeadLetters(
  records: Located[],
  opts: DeadLetterFilter & { page?: number; pageSize?: number } = {},
): DeadLetterPage {
  const page = Math.max(1, Math.trunc(opts.page ?? 1));
  const pageSize = Math.max(1, Math.trunc(opts.pageSize ?? 50));
  const matching = filterRecords(records, opts).sort((a, b) =>
    Date.parse(b.record!.failed_at) - Date.parse(a.record!.failed_at) ||
    b.partition - a.partition || Number(BigInt(b.offset) - BigInt(a.offset))
  );
  const count = (field: "stage" | "reason") => {
    const counts = new Map<string, number>();
    for (const { record } of records) {
      if (record !== null) counts.set(record[field], (counts.get(record[field]) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  return {
    items: matching.slice((page - 1) * pageSize, page * pageSize),
    total: matching.length,
    page,
    pageSize,
    stages: count("stage"),
    reasons: count("reason"),
    unreadable: records.filter((r) => r.record === null).length,
  };
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
