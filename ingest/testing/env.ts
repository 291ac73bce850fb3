/** Helpers for ingest's integration tests against the real local Postgres and Kafka. */
import {
  assertTestDatabase,
  createPostgres,
  ensureDatabase,
  type Sql,
} from "../../shared/postgres/mod.ts";
import { migratePostgres } from "../../shared/postgres/migrate.ts";
import { readTopicUntil, testTopics } from "../../shared/testing/kafka.ts";
import { TEST_ENV } from "../../shared/testing/stores.ts";
import type { IncomingMessage } from "../../shared/kafka/mod.ts";

/** The test database URL (must name a test database). */
export const TEST_DATABASE_URL = TEST_ENV.DATABASE_URL;
/** Brokers of the local Kafka. */
export const BROKERS = TEST_ENV.KAFKA_BROKERS.split(",");

/** A pool on the migrated test database; `await using` closes it. */
export async function testSql(): Promise<Sql & AsyncDisposable> {
  assertTestDatabase(TEST_DATABASE_URL);
  await ensureDatabase(TEST_DATABASE_URL);
  const sql = createPostgres(TEST_DATABASE_URL, { max: 2 });
  await migratePostgres(sql);
  return Object.assign(sql, { [Symbol.asyncDispose]: () => sql.end() });
}

/** A fresh `test_ingest_<random>` topic, deleted on dispose. */
export async function testTopic(partitions = 3): Promise<{ name: string } & AsyncDisposable> {
  const name = `test_ingest_${crypto.randomUUID().slice(0, 8)}`;
  const topics = await testTopics([name], { partitions });
  return { name, [Symbol.asyncDispose]: () => topics[Symbol.asyncDispose]() };
}

/** Reads `count` messages from the start of `topic`; throws with what it saw after `timeoutMs`. */
export function readMessages(
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<IncomingMessage[]> {
  return readTopicUntil(topic, (seen) => seen.length >= count, { timeoutMs });
}
