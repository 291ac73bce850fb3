/**
 * Test helpers of the query service: a known data set of shop events, written to the
 * `eventflow_test` ClickHouse database under a test's own id prefix and source, and the query
 * app built on the real local stores (ClickHouse, PostgreSQL, Redis db 15).
 */
import type { ClickHouseClient } from "../../shared/clickhouse/mod.ts";
import { createLogger } from "../../shared/log.ts";
import { createRegistry } from "../../shared/metrics.ts";
import { createRedis, type Redis } from "../../shared/redis/mod.ts";
import type { Sql } from "../../shared/postgres/mod.ts";
import { TEST_ENV, testId, testStores } from "../../shared/testing/stores.ts";
import { type AnswerCache, createRedisCache } from "../adapters/cache.ts";
import { createExecutor } from "../adapters/clickhouse.ts";
import { createProfileLookup } from "../adapters/profiles.ts";
import { createSpendStore } from "../adapters/spend.ts";
import { createTokenStore } from "../adapters/tokens.ts";
import type { BuiltQuery } from "../core/sql.ts";
import { createQueryMetrics } from "../metrics.ts";
import { createApp } from "../routes/app.ts";

/** One event of the data set, in the columns the questions read. */
export interface TestEvent {
  event_id: string;
  event: string;
  type: string;
  /** ISO 8601 UTC. */
  timestamp: string;
  user_id: string;
  anonymous_id: string;
  session_id: string;
  source_id: string;
  platform: string;
  url: string;
  properties: Record<string, unknown>;
  geo_country_code: string;
  geo_country: string;
  geo_city: string;
  user_tier: string;
  product_id: string;
  product_name: string;
  product_category: string;
  utm_campaign: string;
  utm_source: string;
  utm_medium: string;
  channel: string;
  revenue_base: number | null;
  is_bot: boolean;
}

/** Empty values of the columns an event may leave out (no product, no campaign, no money). */
export const NO_EXTRAS = {
  url: "",
  properties: {},
  product_id: "",
  product_name: "",
  product_category: "",
  utm_campaign: "",
  utm_source: "",
  utm_medium: "",
  channel: "direct",
  revenue_base: null,
} satisfies Partial<TestEvent>;

/** Products of the data set: id, name, category, price. */
export const PRODUCTS = [
  ["phone", "Phone X", "phones", 500],
  ["case", "Phone case", "accessories", 20],
  ["laptop", "Laptop Pro", "laptops", 1200],
  ["cable", "USB cable", "accessories", 10],
] as const;

const CITIES = [
  ["RU", "Russia", "Moscow"],
  ["RU", "Russia", "Saint Petersburg"],
  ["DE", "Germany", "Berlin"],
  ["US", "United States", "New York"],
] as const;

/** A tiny deterministic PRNG (mulberry32) so the data set is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** First day of the data set (a Monday); events span 28 days from it. */
export const START = Date.parse("2026-10-05T00:00:00Z");
export const DAYS = 28;

/**
 * The data set: 40 actors (some never log in) over 28 days, sessions of page views, product
 * clicks, carts, purchases with item lines, refunds, campaigns on the landing event, plus bot
 * traffic and another source's events that filters must exclude.
 */
export function dataset(prefix: string): TestEvent[] {
  const random = rng(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const events: TestEvent[] = [];
  let n = 0;
  const source = prefix;
  for (let actor = 0; actor < 40; actor++) {
    const known = actor % 4 !== 3;
    const userId = known ? `${prefix}_u${actor}` : "";
    const anonymousId = `${prefix}_a${actor}`;
    const platform = pick(["web", "web", "ios", "android"] as const);
    const [cc, country, city] = CITIES[actor % CITIES.length]!;
    const tier = actor % 5 === 0 ? "pro" : "free";
    const firstDay = Math.floor(random() * DAYS);
    for (let day = firstDay; day < DAYS; day++) {
      if (day !== firstDay && random() < 0.6) continue;
      const session = `${prefix}_s${actor}_${day}`;
      let t = START + day * 86_400_000 + Math.floor(random() * 20) * 3_600_000 +
        Math.floor(random() * 3600) * 1000;
      const campaign = random() < 0.5 ? pick(["spring", "autumn"]) : "";
      const base = {
        user_id: userId,
        anonymous_id: anonymousId,
        session_id: session,
        source_id: source,
        platform,
        geo_country_code: cc,
        geo_country: country,
        geo_city: city,
        user_tier: tier,
        is_bot: false,
      };
      const add = (
        event: string,
        extra: Partial<TestEvent> & { properties?: Record<string, unknown> } = {},
      ) => {
        events.push({
          event_id: `${prefix}_e${n++}`,
          event,
          type: event === "page_view" ? "page" : "track",
          timestamp: new Date(t).toISOString(),
          ...NO_EXTRAS,
          ...base,
          ...extra,
        });
        t += (1 + Math.floor(random() * 600)) * 1000;
      };
      const landing = campaign === "" ? {} : {
        utm_campaign: `${prefix}_${campaign}`,
        utm_source: campaign === "spring" ? "google" : "newsletter",
        utm_medium: campaign === "spring" ? "cpc" : "email",
        channel: campaign === "spring" ? "paid_search" : "email",
      };
      add("page_view", { url: "https://shop.test/", ...landing });
      const product = pick(PRODUCTS);
      if (random() < 0.8) {
        add("page_view", { url: `https://shop.test/p/${product[0]}?ref=x` });
        add("product_click", {
          product_id: `${prefix}_${product[0]}`,
          product_name: product[1],
          product_category: product[2],
          properties: { product_id: `${prefix}_${product[0]}`, category: product[2] },
        });
        if (random() < 0.6) {
          add("add_to_cart", {
            product_id: `${prefix}_${product[0]}`,
            product_name: product[1],
            product_category: product[2],
            properties: { product_id: `${prefix}_${product[0]}`, quantity: 1 },
          });
          if (random() < 0.6) {
            const quantity = 1 + Math.floor(random() * 2);
            const items = [{ product_id: `${prefix}_${product[0]}`, price: product[3], quantity }];
            if (random() < 0.4) {
              items.push({ product_id: `${prefix}_cable`, price: 10, quantity: 1 });
            }
            const revenue = items.reduce((s, i) => s + i.price * i.quantity, 0);
            const orderId = `${prefix}_o${n}`;
            add("purchase", {
              revenue_base: revenue,
              properties: { order_id: orderId, revenue, currency: "USD", items },
            });
            if (random() < 0.15) {
              add("refund", { revenue_base: revenue, properties: { order_id: orderId, revenue } });
            }
          }
        }
      }
    }
  }
  // Crawlers and another source: both must stay out of every default answer.
  for (let i = 0; i < 5; i++) {
    events.push({
      ...events[i]!,
      event_id: `${prefix}_bot${i}`,
      user_id: "",
      anonymous_id: `${prefix}_bot`,
      is_bot: true,
    });
    events.push({ ...events[i]!, event_id: `${prefix}_other${i}`, source_id: `${prefix}_other` });
  }
  return events;
}

/** Rows for ClickHouse's JSONEachRow insert. */
function toRow(e: TestEvent): Record<string, unknown> {
  const time = e.timestamp.replace("T", " ").replace("Z", "");
  return {
    ...e,
    original_event: e.event,
    timestamp: time,
    received_at: time,
    enriched_at: time,
    properties: JSON.stringify(e.properties),
    revenue: e.revenue_base,
    currency: e.revenue_base === null ? "" : "USD",
    base_currency: e.revenue_base === null ? "" : "USD",
  };
}

/**
 * Inserts the events, then inserts `duplicates` of them again in a separate block: ClickHouse
 * keeps both copies until a merge, which is what the questions must see through.
 */
export async function insertEvents(
  ch: ClickHouseClient,
  events: TestEvent[],
  duplicates: TestEvent[] = [],
): Promise<void> {
  await ch.insert({ table: "events", values: events.map(toRow), format: "JSONEachRow" });
  if (duplicates.length > 0) {
    await ch.insert({
      table: "events",
      values: duplicates.map(toRow),
      format: "JSONEachRow",
      clickhouse_settings: { insert_deduplicate: 0 },
    });
  }
}

/** Everything a query test needs; disposing removes the test's rows, keys and tokens. */
export interface QueryHarness extends AsyncDisposable {
  id: string;
  app: ReturnType<typeof createApp>;
  ch: ClickHouseClient;
  sql: Sql;
  redis: Redis;
  token: string;
  /** ClickHouse queries the app sent. */
  queries: BuiltQuery[];
  get(path: string, init?: RequestInit): Promise<Response>;
}

/** Options of {@link queryHarness}. */
export interface HarnessOptions {
  /** Redis URL (default the test Redis); point at a closed port to test Redis being down. */
  redisUrl?: string;
  /** Use this id instead of a new one (two instances sharing data and cache). */
  id?: string;
  now?: () => number;
  cache?: (redis: Redis, prefix: string) => AnswerCache;
}

/** Builds the app on the real test stores, with a token for the test. */
export async function queryHarness(opts: HarnessOptions = {}): Promise<QueryHarness> {
  const id = opts.id ?? testId();
  const stores = await testStores(id);
  const { ch, sql } = stores;
  const redis = createRedis(opts.redisUrl ?? TEST_ENV.REDIS_URL, { maxRetriesPerRequest: 0 });
  redis.on("error", () => {});
  const registry = createRegistry("query", { processMetrics: false });
  const metrics = createQueryMetrics(registry);
  const queries: BuiltQuery[] = [];
  const tokens = createTokenStore(sql);
  const { token } = await tokens.create(`${id}_token`);
  const prefix = `ef:test:${id}:`;
  const cache = opts.cache?.(redis, prefix) ?? createRedisCache(redis, { prefix });
  const app = createApp({
    executor: createExecutor(ch, {
      maxExecutionSeconds: 60,
      maxMemoryBytes: 2 * 1024 ** 3,
      onQuery: (q) => queries.push(q),
    }),
    cache,
    verifyToken: (t) => tokens.verify(t),
    spend: createSpendStore(sql),
    profiles: createProfileLookup(sql),
    registry,
    metrics,
    logger: createLogger("query", { level: "error" }),
    checks: [{ name: "clickhouse", check: async () => void (await ch.ping()) }],
    isDraining: () => false,
    baseCurrency: "USD",
    maxRangeDays: 400,
    ttl: { closedSeconds: 60, openSeconds: 5 },
    now: opts.now,
  });
  return {
    id,
    app,
    ch,
    sql,
    redis,
    token,
    queries,
    get: (path, init = {}) =>
      Promise.resolve(app.request(path, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...init.headers },
      })),
    async [Symbol.asyncDispose]() {
      const like = `${id}%`;
      await sql`DELETE FROM query_api_tokens WHERE name LIKE ${like}`;
      await sql`DELETE FROM campaign_spend WHERE campaign LIKE ${like}`;
      if (redis.status === "ready") {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      }
      redis.disconnect();
      await stores[Symbol.asyncDispose]();
    },
  };
}
