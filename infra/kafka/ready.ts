/** Readiness and topic provisioning of the local broker, through the shared adapter. */

import {
  createAdmin,
  DEFAULT_RAW_RETENTION_HOURS,
  pipelineTopicSpecs,
  type TopicSpec,
} from "../../shared/kafka/mod.ts";
import { sleep } from "../../shared/time.ts";

/** Topics the pipeline needs under their default names, `partitions` each (default 6). */
export function pipelineTopics(partitions = 6): TopicSpec[] {
  return pipelineTopicSpecs(
    { raw: "raw_events", enriched: "enriched_events", deadLetter: "dead_letter" },
    { partitions, rawRetentionHours: DEFAULT_RAW_RETENTION_HOURS },
  );
}

/** Resolves once the broker at `bootstrap` answers metadata requests; throws after `timeoutMs`. */
export async function waitKafkaReady(bootstrap: string, timeoutMs = 60_000): Promise<void> {
  const admin = await createAdmin({ brokers: bootstrap.split(","), clientId: "stack-ready" });
  try {
    const deadline = Date.now() + timeoutMs;
    while (!(await admin.ping())) {
      if (Date.now() > deadline) {
        throw new Error(
          `Kafka at ${bootstrap} is not ready after ${timeoutMs} ms; see the broker log`,
        );
      }
      await sleep(250);
    }
  } finally {
    await admin.close();
  }
}

/** Creates the missing topics (default: the pipeline topics); existing ones get their configs. */
export async function ensureTopics(
  bootstrap: string,
  topics: TopicSpec[] = pipelineTopics(),
): Promise<void> {
  const admin = await createAdmin({ brokers: bootstrap.split(","), clientId: "stack-topics" });
  try {
    await admin.ensureTopics(topics);
  } finally {
    await admin.close();
  }
}
