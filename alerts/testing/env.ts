/** Helpers for alerts' integration tests against the real local Kafka and Redis. */
import { createRedis, type Redis } from "../../shared/redis/mod.ts";

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
