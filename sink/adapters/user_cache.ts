/**
 * Dropping enrich's cached copies of users and identity links that the sink just changed in
 * PostgreSQL. Best effort: the write already happened, so a Redis failure is reported, and the
 * cache entry expires by its TTL.
 */
import type { Redis } from "../../shared/redis/mod.ts";
import { identityKey, userKey } from "../../shared/redis/keys.ts";

/** Deletes cached profiles and identity links; resolves with the number of keys named. */
export async function invalidateUsers(
  redis: Redis,
  changes: { userIds: readonly string[]; anonymousIds: readonly string[] },
  opts: { prefix?: string } = {},
): Promise<number> {
  const keys = [
    ...changes.userIds.map((id) => userKey(id, opts.prefix)),
    ...changes.anonymousIds.map((id) => identityKey(id, opts.prefix)),
  ];
  if (keys.length === 0) return 0;
  await redis.del(...keys);
  return keys.length;
}
