/**
 * The dead-letter topic as the console needs it: read every record, replay chosen ones. A small
 * port so the page does not depend on how shared/dead_letter/ reads the topic; the Kafka
 * implementation uses that module, the same one `tools/dlq.ts` uses. Kafka failures become a
 * {@link StoreUnavailableError} naming Kafka (a 503 page).
 */
import {
  findRecord,
  type Located,
  type Position,
  readDeadLetters,
  replay,
} from "../../shared/dead_letter/mod.ts";
import type { KafkaConfig } from "../../shared/kafka/mod.ts";
import { StoreUnavailableError } from "../core/errors.ts";
import { withTimeout } from "../../shared/time.ts";

export type { Located, Position };

/** What the dead-letter page reads and does. */
export interface DeadLetterPort {
  /** Every record of the topic, oldest first. */
  list(): Promise<Located[]>;
  /** Re-produces the records at `positions` to their source topics; returns how many were sent. */
  replay(positions: Position[]): Promise<{ sent: number; missing: Position[] }>;
}

/** The port over Kafka's dead-letter `topic`. */
export function kafkaDeadLetterPort(
  kafka: KafkaConfig,
  topic: string,
  opts: { idleMs?: number; timeoutMs?: number } = {},
): DeadLetterPort {
  const read = async () => {
    try {
      return await withTimeout(
        readDeadLetters(kafka, topic, { idleMs: opts.idleMs ?? 1500 }),
        opts.timeoutMs ?? 20_000,
        { what: "reading the dead-letter topic" },
      );
    } catch (error) {
      throw new StoreUnavailableError("Kafka", { cause: error });
    }
  };
  return {
    list: read,
    async replay(positions) {
      const all = await read();
      const chosen: Located[] = [];
      const missing: Position[] = [];
      for (const position of positions) {
        const found = findRecord(all, position);
        if (found === undefined || found.record === null) missing.push(position);
        else chosen.push(found);
      }
      if (chosen.length === 0) return { sent: 0, missing };
      try {
        return { sent: await replay(kafka, chosen), missing };
      } catch (error) {
        throw new StoreUnavailableError("Kafka", { cause: error });
      }
    },
  };
}
