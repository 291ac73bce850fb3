/**
 * The whole pipeline for end-to-end tests: the real ingest, enrich and sink processes on the
 * test's own topics and consumer groups, a write key, a seeded GadgetStore catalogue, user and
 * campaign, and cleanup of everything under the test's id prefix.
 */
import { deleteTestRedisKeys } from "../../shared/testing/redis.ts";
import { createSourceStore } from "../../ingest/adapters/sources.ts";
import { hashWriteKey } from "../../ingest/core/write_key.ts";
import { testKafka, testTopics } from "../../shared/testing/kafka.ts";
import { readDeadLetters } from "../../shared/dead_letter/mod.ts";
import {
  generateDeadLetterKey,
  openDeadLetterPayload,
  parseDeadLetterKeys,
} from "../../shared/events/mod.ts";
import {
  serviceEntry,
  type ServiceProcess,
  startService,
  waitReadyz,
} from "../../shared/testing/service_process.ts";
import { TEST_ENV, testStores, waitFor } from "../../shared/testing/stores.ts";

/** Longest wait for a service's `/readyz` 200. */
const READY_TIMEOUT_MS = 30_000;

/** The seeded catalogue: ids are prefixed per test. */
export const CATALOGUE = [
  { id: "pixel9", name: "Pixel 9 Pro", category: "Smartphones", price: 999 },
  { id: "case", name: "Rugged Case", category: "Accessories", price: 29.5 },
  { id: "buds", name: "Noise-Cancelling Earbuds", category: "Audio", price: 149 },
] as const;

/** What a test gets: running services, clients on the stores, and its id prefix. */
export interface Pipeline {
  /** `test_e2e_<random>_`: every id this test writes starts with it. */
  prefix: string;
  topics: { raw: string; enriched: string; dlq: string };
  writeKey: string;
  /** The key enrich and sink seal dead-letter payloads with (DEAD_LETTER_KEYS). */
  deadLetterKey: string;
  /** The seeded campaign's name and utm_campaign. */
  campaign: { name: string; utm: string };
  /** The seeded user (tier "gold"). */
  userId: string;
  stores: Awaited<ReturnType<typeof testStores>>;
  ingest: ServiceProcess;
  enrich: ServiceProcess;
  sink: ServiceProcess;
  /** POSTs `body` as JSON to ingest with the write key; returns status and parsed body. */
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

async function seed(pipeline: Pick<Pipeline, "prefix" | "stores" | "campaign" | "userId">) {
  const { sql } = pipeline.stores;
  const p = pipeline.prefix;
  for (const product of CATALOGUE) {
    await sql`INSERT INTO products (product_id, name, category, price, currency)
      VALUES (${p + product.id}, ${product.name}, ${product.category}, ${product.price}, 'USD')`;
  }
  await sql`INSERT INTO users (user_id, tier, country_code)
    VALUES (${pipeline.userId}, 'gold', 'DE')`;
  const day = 86_400_000;
  await sql`INSERT INTO campaigns (campaign_id, name, utm_campaign, starts_at, ends_at)
    VALUES (${p + "campaign"}, ${pipeline.campaign.name}, ${pipeline.campaign.utm},
            ${new Date(Date.now() - day)}, ${new Date(Date.now() + day)})`;
}

/** Seeds the stores, starts ingest, enrich and sink on own topics; disposing tears it all down. */
export async function startPipeline(): Promise<Pipeline & AsyncDisposable> {
  const prefix = `test_e2e_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}_`;
  const topics = { raw: `${prefix}raw`, enriched: `${prefix}enriched`, dlq: `${prefix}dlq` };
  const cleanups: (() => PromiseLike<unknown>)[] = [];
  const teardown = async () => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, "Pipeline teardown failed");
  };
  try {
    const stores = await testStores(prefix);
    cleanups.push(() => stores[Symbol.asyncDispose]());
    cleanups.push(() => deleteTestRedisKeys(prefix));
    const owned = await testTopics(Object.values(topics));
    cleanups.push(() => owned[Symbol.asyncDispose]());
    const base = {
      prefix,
      stores,
      campaign: { name: "GadgetWeek", utm: `${prefix}gadget_week` },
      userId: `${prefix}user_gold`,
    };
    cleanups.push(() => stores.sql`DELETE FROM campaigns WHERE campaign_id LIKE ${prefix + "%"}`);
    await seed(base);

    const sourceId = `${prefix}src`;
    const writeKey = `wk_${crypto.randomUUID().replaceAll("-", "")}`;
    // platform = prefix so the ClickHouse rollup rows of this test can be deleted by platform.
    // A server key: the tests send purchases and traits, which count only from back-end keys.
    await createSourceStore(stores.sql).create({
      sourceId,
      name: "GadgetStore back end (e2e)",
      platform: prefix,
      kind: "server",
      hash: await hashWriteKey(writeKey),
    });
    cleanups.push(() => stores.sql`DELETE FROM sources WHERE source_id = ${sourceId}`);

    const deadLetterKey = generateDeadLetterKey();
    const env = {
      DATABASE_URL: TEST_ENV.DATABASE_URL,
      CLICKHOUSE_URL: TEST_ENV.CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: TEST_ENV.CLICKHOUSE_DATABASE,
      KAFKA_BROKERS: TEST_ENV.KAFKA_BROKERS,
      REDIS_URL: TEST_ENV.REDIS_URL,
      TOPIC_RAW: topics.raw,
      TOPIC_ENRICHED: topics.enriched,
      TOPIC_DEAD_LETTER: topics.dlq,
      DEAD_LETTER_KEYS: deadLetterKey,
      LOG_LEVEL: "info",
    };
    const [ingest, enrich, sink] = await Promise.all([
      startService(serviceEntry("ingest"), {
        env: { ...env, INGEST_RATE_LIMIT_PREFIX: `${prefix}rl`, INGEST_ENSURE_TOPIC: "false" },
      }),
      startService(serviceEntry("enrich"), {
        env: { ...env, CONSUMER_GROUP: `${prefix}enrich`, LAG_INTERVAL_MS: "1000" },
      }),
      startService(serviceEntry("sink"), {
        env: {
          ...env,
          SINK_CLICKHOUSE_GROUP: `${prefix}sink_ch`,
          SINK_POSTGRES_GROUP: `${prefix}sink_pg`,
          SINK_FLUSH_MS: "100",
          SINK_BATCH_SIZE: "500",
          SINK_MAX_BUFFERED: "2000",
        },
      }),
    ].map((p) =>
      p.then((service) => {
        cleanups.push(async () => {
          const status = await service.stop();
          if (status.code !== 0) {
            throw new Error(`service exited ${status.code}; log:\n${service.log().slice(-4000)}`);
          }
        });
        return service;
      })
    )) as [ServiceProcess, ServiceProcess, ServiceProcess];
    await Promise.all([
      waitReadyz(ingest, "ingest", READY_TIMEOUT_MS),
      waitReadyz(enrich, "enrich", READY_TIMEOUT_MS),
      waitReadyz(sink, "sink", READY_TIMEOUT_MS),
    ]);
    const auth = `Basic ${btoa(writeKey + ":")}`;
    return {
      ...base,
      topics,
      writeKey,
      deadLetterKey,
      ingest,
      enrich,
      sink,
      async post(path, body, headers = {}) {
        const res = await fetch(ingest.url + path, {
          method: "POST",
          headers: { authorization: auth, "content-type": "application/json", ...headers },
          body: typeof body === "string" ? body : JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
      },
      [Symbol.asyncDispose]: teardown,
    };
  } catch (error) {
    await teardown().catch(() => {});
    throw error;
  }
}

/**
 * Dead-letter records on the pipeline's dead-letter topic, read until `done` holds; each sealed
 * payload is opened with the pipeline's key, and `stored_encoding` says how it was kept at rest.
 */
export async function deadLetters(
  pipeline: Pipeline,
  done: (records: Record<string, unknown>[]) => boolean,
): Promise<Record<string, unknown>[]> {
  const keyring = await parseDeadLetterKeys(pipeline.deadLetterKey);
  let records: Record<string, unknown>[] = [];
  await waitFor(async () => {
    const located = await readDeadLetters(testKafka("e2e-dlq"), pipeline.topics.dlq, {
      idleMs: 1000,
    });
    records = await Promise.all(
      located.flatMap(({ record }) => record === null ? [] : [record])
        .map(async (record) => ({
          ...record,
          payload: new TextDecoder().decode(await openDeadLetterPayload(record, keyring)),
          stored_encoding: record.payload_encoding,
        })),
    );
    return done(records);
  }, { timeoutMs: 30_000, message: "the expected dead letters" });
  return records;
}
