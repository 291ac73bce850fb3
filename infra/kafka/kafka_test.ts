import { createAdmin, createConsumer, createProducer } from "../../shared/kafka/mod.ts";
import { ensureTopics, waitKafkaReady } from "./mod.ts";
import { sleep } from "../../shared/time.ts";

const bootstrap = Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092";
const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "the local broker creates a topic, round-trips a message and deletes the topic",
  opts,
  async () => {
    await waitKafkaReady(bootstrap, 30_000);
    const topic = `test_stack_${crypto.randomUUID().slice(0, 8)}`;
    const config = { brokers: bootstrap.split(","), clientId: "test-stack" };
    await ensureTopics(bootstrap, [{ name: topic, partitions: 2 }]);
    await ensureTopics(bootstrap, [{ name: topic, partitions: 2 }]);
    const admin = await createAdmin(config);
    try {
      const producer = await createProducer(config);
      await producer.send(topic, [{ key: "a", value: "hello" }]);
      await producer.close();

      const consumer = await createConsumer(config, {
        groupId: `test_stack_${crypto.randomUUID().slice(0, 8)}`,
        topics: [topic],
        fromBeginning: true,
      });
      let got: string | null = null;
      const running = consumer.run((batch) => {
        got = new TextDecoder().decode(batch.messages[0]?.value);
        return Promise.resolve();
      });
      const deadline = Date.now() + 20_000;
      while (got === null && Date.now() < deadline) await sleep(25);
      await consumer.close();
      await running;
      if (got !== "hello") throw new Error(`Expected "hello" back, got ${got}`);
    } finally {
      await admin.deleteTopics([topic]);
      await admin.close();
    }
  },
);
