/** Kafka helpers for tests that span services: own topics, and reading a topic back. */
import {
  createAdmin,
  createConsumer,
  createProducer,
  type IncomingMessage,
  type KafkaConfig,
  type OutgoingMessage,
} from "../kafka/mod.ts";

/** The local test broker; `KAFKA_BROKERS` overrides it. */
export function testKafka(clientId: string): KafkaConfig {
  const brokers = (Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092").split(",").map((b) =>
    b.trim()
  );
  return { brokers, clientId };
}

/** Creates `names` (each must start with `test_`); disposing deletes them. */
export async function testTopics(
  names: string[],
  opts: { partitions?: number } = {},
): Promise<AsyncDisposable> {
  const bad = names.find((n) => !n.startsWith("test_"));
  if (bad) throw new Error(`Refusing to manage topic "${bad}": test topics start with "test_"`);
  const admin = await createAdmin(testKafka("test-admin"));
  await admin.ensureTopics(names.map((name) => ({ name, partitions: opts.partitions ?? 3 })));
  return {
    async [Symbol.asyncDispose]() {
      await admin.deleteTopics(names).catch(() => {});
      await admin.close();
    },
  };
}

/** Produces `messages` to `topic` (acknowledged by the broker) with a producer of its own. */
export async function produce(topic: string, messages: OutgoingMessage[]): Promise<void> {
  const producer = await createProducer(testKafka("test-producer"));
  try {
    await producer.send(topic, messages);
  } finally {
    await producer.close();
  }
}

/**
 * Reads `topic` from the start until `done(messagesSoFar)` holds; throws with what was seen after
 * `timeoutMs` (default 30 000).
 */
export async function readTopicUntil(
  topic: string,
  done: (messages: IncomingMessage[]) => boolean,
  opts: { timeoutMs?: number } = {},
): Promise<IncomingMessage[]> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const consumer = await createConsumer(testKafka("test-reader"), {
    groupId: `test_reader_${crypto.randomUUID().slice(0, 8)}`,
    topics: [topic],
    fromBeginning: true,
  });
  const seen: IncomingMessage[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const running = consumer.run((batch) => {
    seen.push(...batch.messages);
    if (done(seen)) finish();
    return Promise.resolve();
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<boolean>((
    resolve,
  ) => (timer = setTimeout(resolve, timeoutMs, true)));
  const late = await Promise.race([finished.then(() => false), timedOut]);
  clearTimeout(timer);
  await consumer.close();
  await running.catch(() => {});
  if (late) {
    const values = seen.map((m) => new TextDecoder().decode(m.value).slice(0, 200));
    throw new Error(
      `Timed out after ${timeoutMs} ms reading ${topic}; saw ${seen.length}: ${values.join("\n")}`,
    );
  }
  return seen;
}
