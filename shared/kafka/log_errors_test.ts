import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { logConsumerErrors } from "./log_errors.ts";
import type { Batch } from "./message.ts";

Deno.test("logConsumerErrors() names the group, partition and attempt of a failed batch", () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger("test", { write: (line) => lines.push(JSON.parse(line)) });
  const onError = logConsumerErrors(logger, "sink-clickhouse");
  const batch = { topic: "t", partition: 3, messages: [], lastOffset: "9" } satisfies Batch;
  onError(new Error("insert failed"), { batch, attempt: 2 });
  onError(new Error("broker gone"), { attempt: 1 });
  assert.deepEqual(
    lines.map(({ level, message, group, partition, attempt, error }) => ({
      level,
      message,
      group,
      partition,
      attempt,
      error,
    })),
    [
      {
        level: "error",
        message: "Batch failed, it will be redelivered",
        group: "sink-clickhouse",
        partition: 3,
        attempt: 2,
        error: "insert failed",
      },
      {
        level: "error",
        message: "Kafka consumer error",
        group: "sink-clickhouse",
        partition: undefined,
        attempt: 1,
        error: "broker gone",
      },
    ],
  );
});
