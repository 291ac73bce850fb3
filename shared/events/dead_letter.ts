/**
 * The dead-letter contract: a record that a stage could not process, with the reason and the
 * original payload, written to the dead-letter topic so it can be inspected and replayed.
 */
import { Buffer } from "node:buffer";
import { z } from "zod";

/**
 * Header carrying how often a dead-lettered payload was replayed (set by tools/dlq.ts), so a
 * payload that fails again is dead-lettered with the count and a replay loop shows.
 */
export const REPLAYS_HEADER = "x-eventflow-replays";

/** The version of the dead-letter contract written by this code. */
export const DEAD_LETTER_SCHEMA_VERSION = 1;

/** Zod schema of a dead-letter record. */
export const DeadLetterSchema = z.object({
  schema_version: z.literal(DEAD_LETTER_SCHEMA_VERSION),
  /** Which stage gave up: `enrich`, `sink-clickhouse`, `sink-postgres`… */
  stage: z.string(),
  /** Stable reason code, e.g. `INVALID_JSON`, `SCHEMA_MISMATCH`, `ROW_REJECTED`. */
  reason: z.string(),
  /** Human-readable error message. */
  error: z.string(),
  /** The event id when it could be read from the payload. */
  event_id: z.string().nullable(),
  /**
   * Where the original message was read from. `key` is its Kafka key, kept so a replay lands on the
   * same partition as the rest of that user's events; records written before it existed lack it.
   */
  source: z.object({
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    key: z.string().nullable().optional(),
  }),
  /**
   * The original message value: UTF-8 text, or base64 when it was not valid UTF-8; sealed
   * (`aes-256-gcm`, see dead_letter_seal.ts) it is base64 of the 12-byte IV and the ciphertext.
   */
  payload: z.string(),
  payload_encoding: z.enum(["utf8", "base64", "aes-256-gcm"]),
  /** Id of the key a sealed payload was encrypted with; absent on plain records. */
  payload_key_id: z.string().optional(),
  failed_at: z.iso.datetime({ offset: true }),
  /** How many times this record was replayed from the dead-letter topic. */
  replays: z.number().int().min(0),
});

/** A dead-letter record. */
export type DeadLetter = z.infer<typeof DeadLetterSchema>;

/**
 * Builds a dead-letter record for a message that could not be processed; `replays` comes from
 * the message's {@link REPLAYS_HEADER} when it has one.
 */
export function deadLetter(
  message: {
    topic: string;
    partition: number;
    offset: string;
    key: string | null;
    value: Uint8Array;
    headers?: Record<string, string>;
  },
  failure: { stage: string; reason: string; error: string; eventId?: string | null },
  now: Date = new Date(),
): DeadLetter {
  let payload: string;
  let payload_encoding: "utf8" | "base64";
  try {
    payload = new TextDecoder("utf-8", { fatal: true }).decode(message.value);
    payload_encoding = "utf8";
  } catch {
    // Not String.fromCharCode(...bytes): spreading a message of more than ~100 KB overflows the
    // stack, and a dead-letter step that throws turns one bad message into a stuck partition.
    payload = Buffer.from(message.value.buffer, message.value.byteOffset, message.value.byteLength)
      .toString("base64");
    payload_encoding = "base64";
  }
  const replays = Number(message.headers?.[REPLAYS_HEADER] ?? 0);
  return {
    schema_version: DEAD_LETTER_SCHEMA_VERSION,
    stage: failure.stage,
    reason: failure.reason,
    error: failure.error,
    event_id: failure.eventId ?? null,
    source: {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key,
    },
    payload,
    payload_encoding,
    failed_at: now.toISOString(),
    replays: Number.isInteger(replays) && replays > 0 ? replays : 0,
  };
}
