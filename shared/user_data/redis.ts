/** One person's cached state in Redis: profile, identity links and sessions, deleted on forget. */
import type { Redis } from "../redis/mod.ts";
import { identityKey, KEY_PREFIX, sessionKey, userKey } from "../redis/keys.ts";
import type { Subject } from "./catalogue.ts";

/** The keys that hold the subject's state under `prefix` (enrich's REDIS_KEY_PREFIX). */
export function redisKeysOf(subject: Subject, prefix: string = KEY_PREFIX): string[] {
  return [
    userKey(subject.userId, prefix),
    sessionKey(subject.userId, prefix),
    ...subject.anonymousIds.flatMap((id) => [identityKey(id, prefix), sessionKey(id, prefix)]),
  ];
}

/** Deletes the subject's keys; returns how many existed. */
export async function forgetRedis(
  redis: Redis,
  subject: Subject,
  prefix: string = KEY_PREFIX,
): Promise<number> {
  return await redis.del(...redisKeysOf(subject, prefix));
}
