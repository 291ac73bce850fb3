/**
 * Replaying dead letters: each original payload (opened when sealed) is re-produced to its source
 * topic, under its original Kafka key, with the replay count in a header; downstream writes are
 * idempotent by event_id, so replaying twice does no harm. A replay needs a filter or an explicit
 * "all", and can be planned without sending (dry run).
 * @module
 */
import {
  type DeadLetter,
  type DeadLetterKeyring,
  openDeadLetterPayload,
  plainPayloadBytes,
  REPLAYS_HEADER,
} from "../events/mod.ts";
import { errorMessage, EventFlowError } from "../errors.ts";
import { createProducer, type KafkaConfig } from "../kafka/mod.ts";
import {
  type DeadLetterFilter,
  filterRecords,
  isNarrowing,
  type Located,
  type Position,
} from "./records.ts";

/** The original payload bytes of a record that is not sealed (sealed: openDeadLetterPayload). */
export function payloadBytes(record: DeadLetter): Uint8Array {
  return plainPayloadBytes(record);
}

/**
 * The key to replay a record with: the original message's key, so the event joins its user's
 * partition and per-user order holds; records from before the key was kept fall back to event_id.
 */
export function replayKey(record: DeadLetter): string | null {
  return record.source.key === undefined ? record.event_id : record.source.key;
}

/** A message a replay sends, and the record it comes from. */
export interface ReplayMessage {
  from: Position;
  topic: string;
  key: string | null;
  value: Uint8Array;
  headers: Record<string, string>;
}

/** What a replay would send, and the records it cannot (a sealed payload without its key). */
export interface ReplayPlan {
  messages: ReplayMessage[];
  failed: { from: Position; error: string }[];
}

/** Opens each record's payload and builds its message; nothing is sent. */
export async function planReplay(
  records: Located[],
  opts: { keyring?: DeadLetterKeyring | null } = {},
): Promise<ReplayPlan> {
  const plan: ReplayPlan = { messages: [], failed: [] };
  for (const { partition, offset, record } of records) {
    if (record === null) continue;
    const from = { partition, offset };
    try {
      plan.messages.push({
        from,
        topic: record.source.topic,
        key: replayKey(record),
        value: await openDeadLetterPayload(record, opts.keyring ?? null),
        headers: { [REPLAYS_HEADER]: String(record.replays + 1) },
      });
    } catch (error) {
      plan.failed.push({ from, error: errorMessage(error) });
    }
  }
  return plan;
}

/** Options of {@link replaySelected}. */
export interface ReplayOptions {
  /** Opens sealed payloads (DEAD_LETTER_KEYS). */
  keyring?: DeadLetterKeyring | null;
  /** Plan only: report what would be sent and send nothing. */
  dryRun?: boolean;
}

/** What {@link replaySelected} did (or, with `dryRun`, would do). */
export interface ReplayReport extends ReplayPlan {
  /** Messages produced: 0 on a dry run. */
  sent: number;
  dryRun: boolean;
}

/**
 * Replays the records `filter` selects. An empty filter selects nothing unless `all` is set, so a
 * forgotten flag never re-publishes a whole topic. Sealed payloads that do not open are reported
 * in `failed` and not sent; the rest are.
 */
export async function replaySelected(
  kafka: KafkaConfig,
  records: Located[],
  selection: { filter: DeadLetterFilter; all?: boolean },
  opts: ReplayOptions = {},
): Promise<ReplayReport> {
  if (!selection.all && !isNarrowing(selection.filter)) {
    throw new EventFlowError(
      "DEAD_LETTER_REPLAY_UNFILTERED",
      "Replay needs a filter (stage, reason, since, positions or event ids) or an explicit all",
    );
  }
  const plan = await planReplay(filterRecords(records, selection.filter), opts);
  if (opts.dryRun || plan.messages.length === 0) return { ...plan, sent: 0, dryRun: !!opts.dryRun };
  return { ...plan, sent: await send(kafka, plan.messages), dryRun: false };
}

/**
 * Re-produces the records' payloads to their source topics; returns how many were sent. Throws
 * when a sealed payload does not open (pass `keyring`), before anything is sent.
 */
export async function replay(
  kafka: KafkaConfig,
  records: Located[],
  opts: { keyring?: DeadLetterKeyring | null } = {},
): Promise<number> {
  const plan = await planReplay(records, opts);
  if (plan.failed.length > 0) {
    const { from, error } = plan.failed[0]!;
    throw new EventFlowError(
      "DEAD_LETTER_KEY_MISSING",
      `Cannot replay ${from.partition}:${from.offset}: ${error}`,
    );
  }
  return await send(kafka, plan.messages);
}

async function send(kafka: KafkaConfig, messages: ReplayMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const producer = await createProducer(kafka);
  try {
    const byTopic = new Map<string, ReplayMessage[]>();
    for (const message of messages) {
      byTopic.set(message.topic, [...(byTopic.get(message.topic) ?? []), message]);
    }
    for (const [topic, list] of byTopic) {
      await producer.send(topic, list.map(({ key, value, headers }) => ({ key, value, headers })));
    }
    return messages.length;
  } finally {
    await producer.close();
  }
}
