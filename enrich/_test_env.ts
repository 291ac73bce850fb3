/** Helpers for enrich's integration tests against the real local Kafka, Postgres and Redis. */
import {
  createAdmin,
  createConsumer,
  createProducer,
  type IncomingMessage,
  type OutgoingMessage,
} from "../shared/kafka/mod.ts";
import {
  assertTestDatabase,
  createPostgres,
  ensureDatabase,
  type Sql,
} from "../shared/postgres/mod.ts";
import { migratePostgres } from "../shared/postgres/migrate.ts";

/** The test database URL (must name a test database). */
export const TEST_DATABASE_URL = Deno.env.get("TEST_DATABASE_URL") ??
  "postgres://postgres@127.0.0.1:5432/eventflow_test";
/** Brokers of the local Kafka. */
export const BROKERS = (Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092").split(",");

/** A random test resource name: `test_enrich_<label>_<8 hex>`. */
export function testName(label: string): string {
  return `test_enrich_${label}_${crypto.randomUUID().slice(0, 8)}`;
}

/** A pool on the migrated test database; `await using` closes it. */
export async function testSql(): Promise<Sql & AsyncDisposable> {
  assertTestDatabase(TEST_DATABASE_URL);
  await ensureDatabase(TEST_DATABASE_URL);
  const sql = createPostgres(TEST_DATABASE_URL, { max: 2 });
  await migratePostgres(sql);
  return Object.assign(sql, { [Symbol.asyncDispose]: () => sql.end() });
}

/** Fresh `test_` topics, deleted on dispose. */
export async function testTopics(
  labels: string[],
  partitions = 3,
): Promise<{ names: string[] } & AsyncDisposable> {
  const names = labels.map(testName);
  const admin = await createAdmin({ brokers: BROKERS, clientId: "enrich-test" });
  await admin.ensureTopics(names.map((name) => ({ name, partitions })));
  return {
    names,
    async [Symbol.asyncDispose]() {
      if (names.some((n) => !n.startsWith("test_"))) throw new Error("Refusing to delete topics");
      await admin.deleteTopics(names);
      await admin.close();
    },
  };
}

/** Produces messages to a topic and closes the producer. */
export async function produce(topic: string, messages: OutgoingMessage[]): Promise<void> {
  const producer = await createProducer({ brokers: BROKERS, clientId: "enrich-test" });
  try {
    await producer.send(topic, messages);
  } finally {
    await producer.close();
  }
}

/** Reads until `count` messages arrived from the start of `topic` (fails after `timeoutMs`). */
export async function readMessages(
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<IncomingMessage[]> {
  const consumer = await createConsumer({ brokers: BROKERS, clientId: "enrich-test" }, {
    groupId: testName("reader"),
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
  if (seen.length < count) {
    throw new Error(
      `Expected ${count} messages on ${topic} within ${timeoutMs} ms, got ${seen.length}`,
    );
  }
  return seen;
}

/** Starts the real `enrich/main.ts`; resolves once it listens. */
export async function startEnrich(env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./main.ts", import.meta.url).pathname],
    env: { PORT: "0", DATABASE_URL: TEST_DATABASE_URL, KAFKA_BROKERS: BROKERS.join(","), ...env },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  const port = await (async () => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`enrich exited before listening:\n${log}`);
      log += value;
      const match = /"message":"Consuming".*"port":(\d+)/.exec(log);
      if (match) return Number(match[1]);
    }
  })();
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      log += value;
    }
  })();
  return {
    port,
    log: () => log,
    async stop(): Promise<Deno.CommandStatus> {
      child.kill("SIGTERM");
      const status = await child.status;
      await drained;
      return status;
    },
  };
}
