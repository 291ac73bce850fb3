/** Writing dead-letter records to the dead-letter topic, acknowledged before offsets commit. */
import { type DeadLetter, type DeadLetterKeyring, sealDeadLetter } from "../events/mod.ts";
import type { Producer } from "./producer.ts";

/** Where dead-letter records go. */
export interface DeadLetterSink {
  /** Resolves once every record is acknowledged; sends nothing for an empty list. */
  send(records: readonly DeadLetter[]): Promise<void>;
}

/** Options of {@link kafkaDeadLetters}. */
export interface KafkaDeadLettersOptions {
  /** Seals each payload before it is produced (default none: payloads go in clear). */
  keyring?: DeadLetterKeyring | null;
}

/**
 * A sink producing to `topic`, keyed by event id so one event's failures stay together, with the
 * stage and reason as headers so a consumer can filter without parsing.
 */
export function kafkaDeadLetters(
  producer: Pick<Producer, "send">,
  topic: string,
  opts: KafkaDeadLettersOptions = {},
): DeadLetterSink {
  const keyring = opts.keyring ?? null;
  return {
    async send(records) {
      if (records.length === 0) return;
      const stored = keyring === null
        ? records
        : await Promise.all(records.map((r) => sealDeadLetter(r, keyring)));
      await producer.send(
        topic,
        stored.map((r) => ({
          key: r.event_id,
          value: JSON.stringify(r),
          headers: { stage: r.stage, reason: r.reason },
        })),
      );
    },
  };
}
