/** Readiness and topic provisioning of the local broker, through the shared adapter. */

import { createAdmin, type TopicSpec } from "../../shared/kafka/mod.ts";
import { sleep } from "../../shared/time.ts";

/** Topics the pipeline needs, each with `partitions` partitions (default 6). */
export function pipelineTopics(partitions = 6): TopicSpec[] {
  return ["raw_events", "enriched_events", "dead_letter"].map((name) => ({ name, partitions }));
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

/** Creates the missing topics (default: the pipeline topics); existing ones are left alone. */
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
