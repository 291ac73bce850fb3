/** Writing dead-letter records to the dead-letter topic, acknowledged before offsets commit. */
import type { DeadLetter } from "../../shared/events/mod.ts";
import type { Producer } from "../../shared/kafka/mod.ts";

/** Where dead-letter records go. */
export interface DeadLetterSink {
  send(records: readonly DeadLetter[]): Promise<void>;
}

/** A sink producing to `topic`, keyed by event id so one event's failures stay together. */
export function kafkaDeadLetters(producer: Producer, topic: string): DeadLetterSink {
  return {
    async send(records) {
      if (records.length === 0) return;
      await producer.send(
        topic,
        records.map((r) => ({
          key: r.event_id,
          value: JSON.stringify(r),
          headers: { stage: r.stage, reason: r.reason },
        })),
      );
    },
  };
}
