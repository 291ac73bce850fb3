/** Helpers for integration tests against the real local Postgres and Kafka. */
import { createAdmin, createConsumer, type IncomingMessage } from "../../shared/kafka/mod.ts";
import {
  assertTestDatabase,
  createPostgres,
  ensureDatabase,
  type Sql,
} from "../../shared/postgres/mod.ts";
import { migratePostgres } from "../../shared/postgres/migrate.ts";

/** The test database URL (must name a test database). */
export const TEST_DATABASE_URL = Deno.env.get("TEST_DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/eventflow_test";
/** Brokers of the local Kafka. */
export const BROKERS = (Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092").split(",");

/** A pool on the migrated test database; `await using` closes it. */
export async function testSql(): Promise<Sql & AsyncDisposable> {
  assertTestDatabase(TEST_DATABASE_URL);
  await ensureDatabase(TEST_DATABASE_URL);
  const sql = createPostgres(TEST_DATABASE_URL, { max: 2 });
  await migratePostgres(sql);
  return Object.assign(sql, { [Symbol.asyncDispose]: () => sql.end() });
}

/** A fresh `test_<random>` topic, deleted on dispose. */
export async function testTopic(partitions = 3): Promise<{ name: string } & AsyncDisposable> {
  const name = `test_ingest_${crypto.randomUUID().slice(0, 8)}`;
  const admin = await createAdmin({ brokers: BROKERS, clientId: "ingest-test" });
  await admin.ensureTopics([{ name, partitions }]);
  return {
    name,
    async [Symbol.asyncDispose]() {
      await admin.deleteTopics([name]);
      await admin.close();
    },
  };
}

/** Reads `count` messages from the start of `topic` (fails after `timeoutMs`). */
export async function readMessages(
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<IncomingMessage[]> {
  const consumer = await createConsumer({ brokers: BROKERS, clientId: "ingest-test" }, {
    groupId: `test_ingest_${crypto.randomUUID().slice(0, 8)}`,
    topics: [topic],
    fromBeginning: true,
  });
  const seen: IncomingMessage[] = [];
  let done!: () => void;
  const enough = new Promise<void>((resolve) => (done = resolve));
  const running = consumer.run((batch) => {
    seen.push(...batch.messages);
    if (seen.length >= count) done();
    return Promise.resolve();
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([enough, timeout]);
  clearTimeout(timer);
  await consumer.close();
  await running.catch(() => {});
  return seen;
}
