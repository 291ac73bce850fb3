/**
 * The batch fast path (prefetch → pipeline → session write-back) through the real wiring and
 * handler, against the real local Redis and PostgreSQL `eventflow_test`; Redis and PostgreSQL
 * "down" are real clients pointed at a closed port.
 */
import type { EnrichedEvent, RawEvent } from "../../shared/events/mod.ts";
import type { Batch } from "../../shared/kafka/mod.ts";
import { createLogger } from "../../shared/log.ts";
import { createRegistry } from "../../shared/metrics.ts";
import { createPostgres, type Sql } from "../../shared/postgres/mod.ts";
import { createRedis, type Redis } from "../../shared/redis/mod.ts";
import assert from "node:assert/strict";
import { rawEvent } from "../testing/events.ts";
import { TEST_ENV, testId, testSql } from "../../shared/testing/stores.ts";
import { loadConfig } from "../config.ts";
import { createBatchHandler } from "../handler.ts";
import { createEnrichMetrics, type EnrichMetrics } from "../metrics.ts";
import { buildEnrichment } from "../wiring.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const MIN = 60_000;
const T0 = Date.parse("2026-04-10T12:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();

async function setup(redis: Redis, sql: Sql) {
  const prefix = `${testId()}_batch:`;
  const metrics = createEnrichMetrics(createRegistry("enrich", { processMetrics: false }));
  const logger = createLogger("enrich", { write: () => {} });
  const config = loadConfig({ DATABASE_URL: TEST_ENV.DATABASE_URL, POSTGRES_TIMEOUT_MS: "300" });
  const enrichment = await buildEnrichment(config, {
    redis,
    sql,
    metrics,
    logger,
    keyPrefix: prefix,
  });
  const out: EnrichedEvent[] = [];
  const handler = createBatchHandler({
    prepare: enrichment.prepare,
    producer: {
      send: (topic, messages) => {
        if (topic === "enriched") out.push(...messages.map((m) => JSON.parse(m.value as string)));
        return Promise.resolve();
      },
    },
    topics: { enriched: "enriched", deadLetter: "dlq" },
    metrics,
    logger,
  });
  const run = async (events: RawEvent[]) => {
    const start = out.length;
    const encoder = new TextEncoder();
    const batch: Batch = {
      topic: "raw",
      partition: 0,
      lastOffset: String(events.length - 1),
      messages: events.map((e, i) => ({
        topic: "raw",
        partition: 0,
        offset: String(i),
        key: null,
        headers: {},
        timestamp: "0",
        value: encoder.encode(JSON.stringify(e)),
      })),
    };
    await handler(batch);
    const byId = new Map(out.slice(start).map((e) => [e.event_id, e]));
    return events.map((e) => byId.get(e.event_id)!);
  };
  return {
    prefix,
    run,
    metrics,
    async [Symbol.asyncDispose]() {
      enrichment.stop();
      const keys = await redis.keys(`${prefix}*`).catch(() => [] as string[]);
      if (keys.length > 0) await redis.del(...keys);
    },
  };
}

async function counter(metrics: EnrichMetrics, cache: string, result: string): Promise<number> {
  const values = (await metrics.cacheRequests.get()).values;
  return values.find((v) => v.labels.cache === cache && v.labels.result === result)?.value ?? 0;
}

Deno.test(
  "events of one visitor in one batch see each other's session state and identity link",
  opts,
  async () => {
    await using sql = await testSql();
    const redis = createRedis(TEST_ENV.REDIS_URL);
    const user = `${testId()}_user`;
    const anon = `${testId()}_anon`;
    await sql`INSERT INTO users (user_id, tier) VALUES (${user}, 'gold')`;
    try {
      await using env = await setup(redis, sql);
      const base = { session_id: null, anonymous_id: anon, properties: {} };
      const [first, identify, later, elsewhere] = await env.run([
        rawEvent({ ...base, user_id: null, timestamp: at(0) }),
        rawEvent({
          ...base,
          type: "identify",
          event: "identify",
          user_id: user,
          timestamp: at(10),
        }),
        rawEvent({ ...base, user_id: null, timestamp: at(20) }),
        rawEvent({ ...base, anonymous_id: `${testId()}_other`, user_id: null, timestamp: at(5) }),
      ]);
      assert.match(first!.session_id, /^sess_[0-9a-f]{24}$/);
      assert.deepEqual([identify!.session_id, later!.session_id], [
        first!.session_id,
        first!.session_id,
      ]);
      assert(elsewhere!.session_id !== first!.session_id, "another visitor, another session");
      // The link made in this batch resolves the later anonymous event, and its profile is read.
      assert.deepEqual([later!.user_id, later!.user.identity_resolved, later!.user.tier], [
        user,
        true,
        "gold",
      ]);
      assert.deepEqual(later!.enrichment_errors, []);
      // The batch's last state was written back once, before the handler resolved.
      const state = JSON.parse((await redis.get(`${env.prefix}session:${anon}`))!);
      assert.deepEqual([state.session_id, state.last_seen_at], [first!.session_id, T0 + 20 * MIN]);
      assert.deepEqual(await redis.get(`${env.prefix}identity:${anon}`), user);

      // The next batch continues the session 25 minutes later, and one past 30 idle minutes not.
      const [next, gap] = await env.run([
        rawEvent({ ...base, user_id: null, timestamp: at(45) }),
        rawEvent({ ...base, user_id: null, timestamp: at(80) }),
      ]);
      assert.deepEqual(next!.session_id, first!.session_id);
      assert(gap!.session_id !== first!.session_id, "a new session after 35 idle minutes");
      assert.deepEqual([next!.user_id, next!.user.tier], [user, "gold"]);
    } finally {
      await sql`DELETE FROM users WHERE user_id = ${user}`;
      redis.disconnect();
    }
  },
);

Deno.test(
  "the prefetch reads PostgreSQL for Redis misses once, fills Redis, and prefers cached values",
  opts,
  async () => {
    await using sql = await testSql();
    const redis = createRedis(TEST_ENV.REDIS_URL);
    const [known, cached, missing] = [`${testId()}_u1`, `${testId()}_u2`, `${testId()}_u3`];
    const product = `${testId()}_p`;
    await sql`INSERT INTO users (user_id, tier, country_code) VALUES (${known}, 'premium', 'DE')`;
    await sql`INSERT INTO products (product_id, name, category, price, currency)
      VALUES (${product}, 'Lamp', 'Home', 12.50, 'EUR')`;
    try {
      await using env = await setup(redis, sql);
      await redis.set(
        `${env.prefix}user:${cached}`,
        JSON.stringify({ tier: "from-redis", signup_at: null, country_code: "FR" }),
      );
      const events = [known, cached, missing, known].map((user_id) =>
        rawEvent({ user_id, properties: { product_id: product } })
      );
      const out = await env.run(events);
      assert.deepEqual(out.map((e) => e.user.tier), ["premium", "from-redis", null, "premium"]);
      assert.deepEqual(out[0]!.product, {
        product_id: product,
        name: "Lamp",
        category: "Home",
        price: 12.5,
        currency: "EUR",
      });
      assert.deepEqual(out.flatMap((e) => e.enrichment_errors), []);
      // One Redis request per distinct id, not per event.
      assert.deepEqual(await counter(env.metrics, "user_redis", "miss"), 2);
      assert.deepEqual(await counter(env.metrics, "user_redis", "hit"), 1);
      assert.deepEqual(await redis.get(`${env.prefix}user:${missing}`), "__none__");
      const filled = await redis.get(`${env.prefix}user:${known}`);
      assert.deepEqual(JSON.parse(filled!).tier, "premium");
      assert.deepEqual(
        JSON.parse((await redis.get(`${env.prefix}product:${product}`))!).name,
        "Lamp",
      );
    } finally {
      await sql`DELETE FROM users WHERE user_id = ANY(${[known, cached, missing]})`;
      await sql`DELETE FROM products WHERE product_id = ${product}`;
      redis.disconnect();
    }
  },
);

Deno.test(
  "with Redis down the batch still flows: profiles from PostgreSQL, sessions bucketed with an error",
  opts,
  async () => {
    await using sql = await testSql();
    const down = createRedis("redis://127.0.0.1:1/0", { lazyConnect: true });
    down.on("error", () => {});
    const user = `${testId()}_user`;
    await sql`INSERT INTO users (user_id, tier) VALUES (${user}, 'silver')`;
    try {
      await using env = await setup(down, sql);
      const out = await env.run([
        rawEvent({ user_id: user, session_id: null, timestamp: at(0) }),
        rawEvent({ user_id: user, session_id: null, timestamp: at(1) }),
      ]);
      assert.deepEqual(out.map((e) => e.user.tier), ["silver", "silver"]);
      assert.deepEqual(out[0]!.session_id, out[1]!.session_id);
      for (const event of out) {
        assert.deepEqual(event.enrichment_errors.map((e) => e.step), ["session"]);
        assert.match(
          event.enrichment_errors[0]!.reason,
          /^Session state unavailable, used a 30-minute bucket/,
        );
      }
      assert(await counter(env.metrics, "user_redis", "error") >= 1, "Redis errors counted");
    } finally {
      await sql`DELETE FROM users WHERE user_id = ${user}`;
      down.disconnect();
    }
  },
);

Deno.test(
  "with PostgreSQL down the batch still flows with user and product errors recorded",
  opts,
  async () => {
    const redis = createRedis(TEST_ENV.REDIS_URL);
    const sql = createPostgres("postgres://postgres@127.0.0.1:1/eventflow_test", { max: 1 });
    try {
      await using env = await setup(redis, sql);
      const out = await env.run([
        rawEvent({ user_id: `${testId()}_user`, properties: { product_id: `${testId()}_p` } }),
      ]);
      assert.deepEqual(out.length, 1);
      assert.deepEqual(out[0]!.user.tier, null);
      assert.deepEqual(out[0]!.product.name, null);
      const reasons = Object.fromEntries(out[0]!.enrichment_errors.map((e) => [e.step, e.reason]));
      // Campaigns never loaded either, so marketing reports that too.
      assert.deepEqual(Object.keys(reasons).sort(), ["marketing", "product", "user"]);
      assert.match(reasons.user!, /^User profile lookup failed: /);
      assert.match(reasons.product!, /^Product lookup failed: /);
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
      redis.disconnect();
    }
  },
);
