/** Helpers for alerts' integration tests against the real local Kafka, Redis and PostgreSQL. */
import { createRedis, type Redis } from "../../shared/redis/mod.ts";
import type { Sql } from "../../shared/postgres/mod.ts";
import { testSql } from "../../shared/testing/stores.ts";
import { createLedger, type Ledger, type LedgerOptions } from "../adapters/ledger.ts";

/** Redis database of alerts' tests (never the services' db 0). */
export const TEST_REDIS_URL = Deno.env.get("TEST_REDIS_URL") ?? "redis://127.0.0.1:6379/15";
/** Brokers of the local Kafka. */
export const BROKERS = (Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092").split(",");

/** A random test resource name: `test_alerts_<label>_<8 hex>`. */
export function testName(label: string): string {
  return `test_alerts_${label}_${crypto.randomUUID().slice(0, 8)}`;
}

/** A Redis client and a fresh key prefix; dispose deletes the prefix's keys. */
export function testRedis(): { redis: Redis; prefix: string } & AsyncDisposable {
  const redis = createRedis(TEST_REDIS_URL);
  const prefix = `${testName("keys")}:`;
  return {
    redis,
    prefix,
    async [Symbol.asyncDispose]() {
      if (!prefix.startsWith("test_")) throw new Error(`Refusing to delete keys of "${prefix}"`);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/**
 * The real ledger on the PostgreSQL test database and Redis (fresh key prefix). Disposing
 * deletes the delivery rows it wrote (and those of `track`ed event ids) and the Redis keys.
 */
export async function testLedger(opts: LedgerOptions = {}): Promise<
  {
    ledger: Ledger;
    sql: Sql;
    redis: Redis;
    prefix: string;
    /** Event ids whose delivery rows another writer (a real process) made for this test. */
    track(...eventIds: string[]): void;
  } & AsyncDisposable
> {
  const sql = await testSql();
  const redis = testRedis();
  const eventIds = new Set<string>();
  const ledger = createLedger({ sql, redis: redis.redis }, { prefix: redis.prefix, ...opts });
  return {
    ledger: {
      ...ledger,
      markDelivered(ruleId, eventId, destination) {
        eventIds.add(eventId);
        return ledger.markDelivered(ruleId, eventId, destination);
      },
    },
    sql,
    redis: redis.redis,
    prefix: redis.prefix,
    track: (...ids) => ids.forEach((id) => eventIds.add(id)),
    async [Symbol.asyncDispose]() {
      await sql`DELETE FROM alert_deliveries WHERE event_id = ANY(${[...eventIds]}::text[])`;
      await sql[Symbol.asyncDispose]();
      await redis[Symbol.asyncDispose]();
    },
  };
}
