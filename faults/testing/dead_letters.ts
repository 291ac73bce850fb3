/** Reading a fault pipeline's dead-letter topic, on whichever cluster the pipeline uses. */
import { createConsumer } from "../../shared/kafka/mod.ts";
import {
  type DeadLetter,
  type DeadLetterKeyring,
  openDeadLetterPayload,
  parseDeadLetterKeys,
  SEALED_ENCODING,
} from "../../shared/events/mod.ts";
import { sleep } from "../../shared/time.ts";
import type { FaultPipeline } from "./pipeline.ts";

/**
 * Dead-letter records read from the start until `done` holds; throws after `timeoutMs` (30 s).
 * Sealed payloads are opened with `DEAD_LETTER_KEYS` (the key the test runner gives the services),
 * so `payload` is always the original text.
 */
export async function readDeadLetters(
  pipeline: FaultPipeline,
  done: (records: Record<string, unknown>[]) => boolean,
  opts: { timeoutMs?: number } = {},
): Promise<Record<string, unknown>[]> {
  const consumer = await createConsumer(
    { brokers: pipeline.brokers.split(","), clientId: "fault-dlq-reader" },
    {
      groupId: `${pipeline.prefix}dlq_reader_${crypto.randomUUID().slice(0, 6)}`,
      topics: [pipeline.topics.dlq],
      fromBeginning: true,
    },
  );
  const keys = Deno.env.get("DEAD_LETTER_KEYS") ?? "";
  const keyring: DeadLetterKeyring | null = keys.trim() === ""
    ? null
    : await parseDeadLetterKeys(keys);
  const records: Record<string, unknown>[] = [];
  const running = consumer.run(async (batch) => {
    for (const m of batch.messages) {
      const record = JSON.parse(new TextDecoder().decode(m.value));
      if (record.payload_encoding === SEALED_ENCODING) {
        const bytes = await openDeadLetterPayload(record as DeadLetter, keyring);
        record.payload = new TextDecoder().decode(bytes);
      }
      records.push(record);
    }
  });
  try {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    while (!done(records)) {
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out reading ${pipeline.topics.dlq}; saw ${records.length}: ${
            JSON.stringify(records.map((r) => [r.stage, r.reason, String(r.payload).slice(0, 80)]))
          }`,
        );
      }
      await sleep(200);
    }
    return records;
  } finally {
    await consumer.close();
    await running.catch(() => {});
  }
}
