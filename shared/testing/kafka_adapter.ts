/** Helpers for the Kafka adapter's own integration tests (shared/kafka/*_test.ts). */

import { createAdmin } from "../kafka/admin.ts";
import type { KafkaConfig } from "../kafka/config.ts";
import { sleep } from "../time.ts";

/** Config for the local test broker; `KAFKA_BROKERS` overrides the address. */
export function testConfig(clientId = "test"): KafkaConfig {
  const brokers = (Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092").split(",").map((b) =>
    b.trim()
  );
  return { brokers, clientId };
}

/** A random name for a test-only resource, e.g. `test_consumer_3f2a9c1b`. */
export function testName(label: string): string {
  return `test_${label}_${crypto.randomUUID().slice(0, 8)}`;
}

/** A fresh topic removed on dispose; only `test_` names are accepted so nothing real is deleted. */
export async function testTopic(
  label: string,
  partitions = 3,
): Promise<{ name: string } & AsyncDisposable> {
  const name = testName(label);
  const admin = await createAdmin(testConfig("test-admin"));
  await admin.ensureTopics([{ name, partitions }]);
  return {
    name,
    async [Symbol.asyncDispose]() {
      if (!name.startsWith("test_")) throw new Error(`Refusing to delete topic "${name}"`);
      await admin.deleteTopics([name]);
      await admin.close();
    },
  };
}

/** Resolves once `check` returns true, or throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(25);
  }
}
