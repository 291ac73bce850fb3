/** Redis cleanup for tests that run real services against the test Redis (db 15). */
import { createRedis } from "../redis/mod.ts";
import { TEST_ENV } from "./stores.ts";

/** Deletes every key of the test Redis containing `prefix` (a test's id prefix, `test_…`). */
export async function deleteTestRedisKeys(prefix: string): Promise<void> {
  if (!prefix.startsWith("test_")) {
    throw new Error(
      `Refusing to delete Redis keys for "${prefix}": test prefixes start with "test_"`,
    );
  }
  const redis = createRedis(TEST_ENV.REDIS_URL);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `*${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
