/**
 * Redis-backed state of the identity and session steps.
 */
import type { Redis } from "../../shared/redis/mod.ts";
import { identityKey, sessionKey } from "../../shared/redis/keys.ts";
import type { IdentityStore } from "../steps/identity.ts";
import type { SessionState, SessionStore } from "../steps/session.ts";
import { withTimeout } from "../../shared/time.ts";
import type { CacheRecorder } from "./cache.ts";

/** Options shared by the stores. */
export interface StoreOptions {
  /** Key prefix (default `ef:`; tests use their own). */
  prefix?: string;
  /** Redis command timeout in ms (default 100). */
  timeoutMs?: number;
  record?: CacheRecorder;
}

/**
 * Identity links: Redis first (written the moment enrich sees identify/signup/alias, because the
 * sink writes PostgreSQL later), then PostgreSQL `identities`; a link found there is cached.
 */
export function createIdentityStore(
  redis: Redis,
  opts: StoreOptions & {
    fromPostgres: (anonymousId: string) => Promise<string | null>;
    ttlSeconds?: number;
  },
): IdentityStore {
  const timeoutMs = opts.timeoutMs ?? 100;
  const ttl = opts.ttlSeconds ?? 30 * 86400;
  const record = opts.record ?? (() => {});
  return {
    async resolve(anonymousId) {
      const key = identityKey(anonymousId, opts.prefix);
      let redisFailed = false;
      try {
        const userId = await withTimeout(redis.get(key), timeoutMs, { what: `Redis GET ${key}` });
        record("identity_redis", userId === null ? "miss" : "hit");
        if (userId !== null) return userId === "" ? null : userId;
      } catch {
        record("identity_redis", "error");
        redisFailed = true;
      }
      const userId = await opts.fromPostgres(anonymousId);
      if (!redisFailed) {
        // "" caches "not linked" briefly; a later identify overwrites it at once.
        withTimeout(
          redis.set(key, userId ?? "", "EX", userId === null ? 60 : ttl),
          timeoutMs,
          { what: "Redis SET" },
        )
          .catch(() => {});
      }
      return userId;
    },
    async link(anonymousId, userId) {
      const key = identityKey(anonymousId, opts.prefix);
      await withTimeout(redis.set(key, userId, "EX", ttl), timeoutMs, { what: `Redis SET ${key}` });
    },
  };
}

/** Session state per visitor, expiring shortly after the inactivity timeout. */
export function createSessionStore(
  redis: Redis,
  opts: StoreOptions & { sessionTimeoutMs: number },
): SessionStore {
  const timeoutMs = opts.timeoutMs ?? 100;
  // Kept twice the timeout so a late event can still join the session it belongs to.
  const ttlSeconds = Math.ceil((opts.sessionTimeoutMs * 2) / 1000);
  return {
    async get(visitorId) {
      const key = sessionKey(visitorId, opts.prefix);
      const raw = await withTimeout(redis.get(key), timeoutMs, { what: `Redis GET ${key}` });
      return raw === null ? null : JSON.parse(raw) as SessionState;
    },
    async set(visitorId, state) {
      const key = sessionKey(visitorId, opts.prefix);
      await withTimeout(
        redis.set(key, JSON.stringify(state), "EX", ttlSeconds),
        timeoutMs,
        { what: `Redis SET ${key}` },
      );
    },
  };
}
