/**
 * Compares kafkajs and @platformatic/kafka under Deno against the local broker: producer and
 * consumer throughput, and duplicates/losses when a second consumer joins the group mid-way.
 *
 * Run: node_modules/.bin/deno run -A bench/kafka/clients.ts [--records 200000] [--batch 1000] [--rebalance-records 60000]
 * Env: KAFKA_BROKERS (default 127.0.0.1:9092). Creates and deletes `test_bench_*` topics.
 */

import { Kafka, logLevel } from "kafkajs";
import {
  Admin as PfAdmin,
  Consumer as PfConsumer,
  type Message as PfMessage,
  Producer as PfProducer,
} from "@platformatic/kafka";
import { argsOrExit } from "../../shared/cli.ts";
import { sleep } from "../../shared/time.ts";
import { KAFKA_CLIENTS_USAGE, parseKafkaClientsArgs } from "../args.ts";

const { records: RECORDS, batch: BATCH, rebalanceRecords: REBALANCE_RECORDS } = argsOrExit(
  KAFKA_CLIENTS_USAGE,
  () => parseKafkaClientsArgs(Deno.args),
);
const PARTITIONS = 6;
const brokers = (Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092").split(",");

/** ~1 KB JSON-like event, unique per index. */
function record(i: number): string {
  const pad = "x".repeat(760);
  return JSON.stringify({
    v: 1,
    event_id: crypto.randomUUID(),
    seq: i,
    type: "page_view",
    ts: new Date().toISOString(),
    user: `u${i % 5000}`,
    props: { url: `https://example.com/p/${i}`, ua: "Mozilla/5.0", pad },
  });
}

function key(i: number): string {
  return `u${i % 5000}`;
}

interface ClientBench {
  name: string;
  createTopic(name: string): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  produce(topic: string, n: number): Promise<void>;
  /** Consumes until `n` messages were seen; returns the number seen. */
  consume(topic: string, group: string, n: number): Promise<number>;
  /** Starts one consumer in `group`; `seen` gets "partition:offset" per processed message. */
  groupMember(
    topic: string,
    group: string,
    seen: (id: string) => void,
  ): Promise<() => Promise<void>>;
}

function kafkajsBench(): ClientBench {
  const kafka = new Kafka({ clientId: "bench-kafkajs", brokers, logLevel: logLevel.ERROR });
  return {
    name: "kafkajs 2.2.4",
    async createTopic(name) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: name, numPartitions: PARTITIONS }] });
      await admin.disconnect();
    },
    async deleteTopic(name) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [name] });
      await admin.disconnect();
    },
    async produce(topic, n) {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
      await producer.connect();
      for (let i = 0; i < n; i += BATCH) {
        const messages = [];
        for (let j = i; j < Math.min(n, i + BATCH); j++) {
          messages.push({ key: key(j), value: record(j) });
        }
        await producer.send({ topic, acks: -1, messages });
      }
      await producer.disconnect();
    },
    async consume(topic, group, n) {
      const consumer = kafka.consumer({ groupId: group, maxBytes: 10 * 1024 * 1024 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let count = 0;
      await new Promise<void>((resolve) => {
        consumer.run({
          eachBatch: ({ batch }) => {
            for (const m of batch.messages) {
              if (m.value) count++;
            }
            if (count >= n) resolve();
            return Promise.resolve();
          },
        });
      });
      await consumer.disconnect();
      return count;
    },
    async groupMember(topic, group, seen) {
      const consumer = kafka.consumer({ groupId: group, maxBytes: 1024 * 1024 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          for (const m of batch.messages) {
            if (!isRunning() || isStale()) break;
            seen(`${batch.partition}:${m.offset}`);
            resolveOffset(m.offset);
          }
          // Simulated processing time so the rebalance happens mid-stream.
          await sleep(5);
          await heartbeat();
        },
      });
      return () => consumer.disconnect();
    },
  };
}

function platformaticBench(): ClientBench {
  const base = { clientId: "bench-platformatic", bootstrapBrokers: brokers };
  return {
    name: "@platformatic/kafka 2.12.1",
    async createTopic(name) {
      const admin = new PfAdmin(base);
      await admin.createTopics({ topics: [name], partitions: PARTITIONS, replicas: 1 });
      await admin.close();
    },
    async deleteTopic(name) {
      const admin = new PfAdmin(base);
      await admin.deleteTopics({ topics: [name] });
      await admin.close();
    },
    async produce(topic, n) {
      const producer = new PfProducer({ ...base, idempotent: true, acks: -1 });
      for (let i = 0; i < n; i += BATCH) {
        const messages = [];
        for (let j = i; j < Math.min(n, i + BATCH); j++) {
          messages.push({ topic, key: Buffer.from(key(j)), value: Buffer.from(record(j)) });
        }
        await producer.send({ messages });
      }
      await producer.close();
    },
    async consume(topic, group, n) {
      const consumer = new PfConsumer({ ...base, groupId: group, maxBytes: 10 * 1024 * 1024 });
      const stream = await consumer.consume({
        topics: [topic],
        mode: "earliest",
        autocommit: false,
      });
      let count = 0;
      for await (const m of stream as AsyncIterable<PfMessage<Buffer, Buffer, Buffer, Buffer>>) {
        if (m.value) count++;
        if (count >= n) break;
      }
      await stream.close();
      await consumer.close(true);
      return count;
    },
    async groupMember(topic, group, seen) {
      const consumer = new PfConsumer({
        ...base,
        groupId: group,
        maxBytes: 1024 * 1024,
        sessionTimeout: 10_000,
        heartbeatInterval: 500,
      });
      const stream = await consumer.consume({
        topics: [topic],
        mode: "committed",
        fallbackMode: "earliest",
        autocommit: false,
      });
      let running = true;
      const loop = (async () => {
        let pending = 0;
        for await (const m of stream as AsyncIterable<PfMessage<Buffer, Buffer, Buffer, Buffer>>) {
          seen(`${m.partition}:${m.offset}`);
          await m.commit();
          // Same simulated processing time as kafkajs, per 100 messages.
          if (++pending % 100 === 0) await sleep(5);
          if (!running) break;
        }
      })().catch((err) => console.error("platformatic member:", err));
      return async () => {
        running = false;
        await stream.close().catch(() => {});
        await consumer.close(true).catch(() => {});
        await loop;
      };
    },
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
}

interface Result {
  client: string;
  produceRate: number;
  consumeRate: number;
  seen: number;
  unique: number;
  duplicates: number;
  lost: number;
  error?: string;
}

async function runOne(bench: ClientBench): Promise<Result> {
  const suffix = crypto.randomUUID().slice(0, 8);
  const topic = `test_bench_${suffix}`;
  const rbTopic = `test_bench_rb_${suffix}`;
  await bench.createTopic(topic);
  await bench.createTopic(rbTopic);
  try {
    const [, produceS] = await timed(() => bench.produce(topic, RECORDS));
    const [count, consumeS] = await timed(() => bench.consume(topic, `test_g_${suffix}`, RECORDS));
    if (count < RECORDS) throw new Error(`Consumed only ${count} of ${RECORDS}`);

    await bench.produce(rbTopic, REBALANCE_RECORDS);
    const ids: string[] = [];
    const group = `test_rb_${suffix}`;
    const stopA = await bench.groupMember(rbTopic, group, (id) => ids.push(id));
    while (ids.length < REBALANCE_RECORDS / 3) await sleep(20);
    const stopB = await bench.groupMember(rbTopic, group, (id) => ids.push(id));
    // Done when every offset was seen and nothing new arrived for 3 s.
    let last = -1;
    let stableSince = Date.now();
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      await sleep(250);
      if (ids.length !== last) {
        last = ids.length;
        stableSince = Date.now();
      } else if (Date.now() - stableSince > 3000) break;
    }
    await Promise.all([stopA(), stopB()]);
    const unique = new Set(ids).size;
    return {
      client: bench.name,
      produceRate: RECORDS / produceS,
      consumeRate: RECORDS / consumeS,
      seen: ids.length,
      unique,
      duplicates: ids.length - unique,
      lost: REBALANCE_RECORDS - unique,
    };
  } finally {
    await bench.deleteTopic(topic).catch(() => {});
    await bench.deleteTopic(rbTopic).catch(() => {});
  }
}

const results: Result[] = [];
for (const bench of [kafkajsBench(), platformaticBench()]) {
  try {
    console.error(`running ${bench.name} ...`);
    results.push(await runOne(bench));
  } catch (err) {
    console.error(`${bench.name} failed:`, err);
    results.push({
      client: bench.name,
      produceRate: 0,
      consumeRate: 0,
      seen: 0,
      unique: 0,
      duplicates: 0,
      lost: 0,
      error: String(err),
    });
  }
  console.error(JSON.stringify(results.at(-1)));
}
console.table(results.map((r) => ({
  client: r.client,
  "produce ev/s": Math.round(r.produceRate),
  "consume ev/s": Math.round(r.consumeRate),
  "rebalance seen": r.seen,
  duplicates: r.duplicates,
  lost: r.lost,
  error: r.error ?? "",
})));
const [a, b] = results;
if (a && b && a.produceRate && b.produceRate) {
  console.log(
    `platformatic/kafkajs ratio: produce ${(b.produceRate / a.produceRate).toFixed(2)}x, ` +
      `consume ${(b.consumeRate / a.consumeRate).toFixed(2)}x`,
  );
}
Deno.exit(0);
