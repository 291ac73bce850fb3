import assert from "node:assert/strict";
import { createRedis } from "../../shared/redis/mod.ts";
import { createSyncedRateLimiter, type SyncedRateLimiterOptions } from "./rate_limiter.ts";

const REDIS_URL = Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379/0";

/** Limiters on the real Redis under a prefix of the test's own, removed afterwards. */
async function withRedis(
  fn: (
    limiter: (opts: Partial<SyncedRateLimiterOptions>) => ReturnType<
      typeof createSyncedRateLimiter
    >,
    redis: ReturnType<typeof createRedis>,
    prefix: string,
  ) => Promise<void>,
) {
  const redis = createRedis(REDIS_URL);
  const prefix = `test:ingest:rl:${crypto.randomUUID().slice(0, 8)}`;
  const made: ReturnType<typeof createSyncedRateLimiter>[] = [];
  try {
    await fn(
      (opts) => {
        const limiter = createSyncedRateLimiter(redis, {
          prefix,
          windowMs: 1000,
          keyLimit: 10,
          keyIpLimit: 0,
          syncMs: 60_000,
          ...opts,
        });
        made.push(limiter);
        return limiter;
      },
      redis,
      prefix,
    );
  } finally {
    for (const limiter of made) limiter.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

const denied = (scope: string, limit: number, retryAfterSeconds = 1) => ({
  allowed: false,
  scope,
  retryAfterSeconds,
  limit,
});

Deno.test("rate limiter counts events per write key within a window, resets in the next", async () => {
  await withRedis(async (make, redis, prefix) => {
    let now = 1_000_000_250;
    const limiter = make({ now: () => now });
    assert.deepEqual(limiter.check({ ip: "1.1.1.1", sourceId: "s", kind: "public", cost: 6 }), {
      allowed: true,
    });
    assert.deepEqual(limiter.check({ ip: "1.1.1.1", sourceId: "s", kind: "public", cost: 4 }), {
      allowed: true,
    });
    assert.deepEqual(
      limiter.check({ ip: "1.1.1.1", sourceId: "s", kind: "public", cost: 1 }),
      denied("write_key", 10),
    );
    assert.deepEqual(limiter.check({ ip: "1.1.1.1", sourceId: "other", kind: "public", cost: 1 }), {
      allowed: true,
    });
    await limiter.sync();
    const window = Math.floor(now / 1000);
    assert.equal(
      await redis.get(`${prefix}:src:s:${window}`),
      "10",
      "denied events are not counted",
    );
    const ttl = await redis.pttl(`${prefix}:src:s:${window}`);
    assert.ok(ttl > 0 && ttl <= 2000, `keys expire (pttl ${ttl})`);
    now += 1000;
    assert.deepEqual(limiter.check({ ip: "1.1.1.1", sourceId: "s", kind: "public", cost: 10 }), {
      allowed: true,
    });
  });
});

Deno.test("instances share a write key's count through Redis at each sync (#13, 11)", async () => {
  await withRedis(async (make) => {
    const now = 1_000_000_000;
    const a = make({ now: () => now });
    const b = make({ now: () => now });
    assert.deepEqual(a.check({ ip: "1.1.1.1", sourceId: "s", kind: "public", cost: 8 }), {
      allowed: true,
    });
    await a.sync();
    await b.sync(); // b has nothing of its own yet, but learns nothing either: it syncs what it saw
    assert.deepEqual(b.check({ ip: "2.2.2.2", sourceId: "s", kind: "public", cost: 1 }), {
      allowed: true,
    });
    await b.sync(); // now b's counter exists and carries a's 8
    assert.deepEqual(
      b.check({ ip: "2.2.2.2", sourceId: "s", kind: "public", cost: 2 }),
      denied("write_key", 10),
    );
    assert.deepEqual(b.check({ ip: "2.2.2.2", sourceId: "s", kind: "public", cost: 1 }), {
      allowed: true,
    });
  });
});

Deno.test("one IP gets only its sub-quota of a public write key; other IPs keep theirs (#13, 11)", async () => {
  await withRedis((make) => {
    const now = 1_000_000_000;
    const limiter = make({ now: () => now, keyLimit: 100, keyIpLimit: 5 });
    assert.deepEqual(limiter.check({ ip: "1.1.1.1", sourceId: "s", kind: "public", cost: 5 }), {
      allowed: true,
    });
    assert.deepEqual(
      limiter.check({ ip: "1.1.1.1", sourceId: "s", kind: "public", cost: 1 }),
      denied("write_key_ip", 5),
    );
    // The same IP on another key, another IP on the same key: their own quotas.
    assert.deepEqual(limiter.check({ ip: "1.1.1.1", sourceId: "t", kind: "public", cost: 5 }), {
      allowed: true,
    });
    assert.deepEqual(limiter.check({ ip: "2.2.2.2", sourceId: "s", kind: "public", cost: 5 }), {
      allowed: true,
    });
    // An IPv6 client's whole /64 shares one sub-quota.
    assert.deepEqual(
      limiter.check({ ip: "2001:db8:1:2::1", sourceId: "s", kind: "public", cost: 3 }),
      {
        allowed: true,
      },
    );
    assert.deepEqual(
      limiter.check({ ip: "2001:db8:1:2:aaaa::9", sourceId: "s", kind: "public", cost: 3 }),
      denied("write_key_ip", 5),
    );
    // Server keys have no sub-quota: a back end sends for all its users from one IP.
    assert.deepEqual(limiter.check({ ip: "3.3.3.3", sourceId: "api", kind: "server", cost: 50 }), {
      allowed: true,
    });
    // No sub-quota when the key limit is off (the bench's and operators' opt-out).
    const off = make({ now: () => now, keyLimit: 0, keyIpLimit: 5 });
    assert.deepEqual(off.check({ ip: "1.1.1.1", sourceId: "s", kind: "public", cost: 500 }), {
      allowed: true,
    });
    return Promise.resolve();
  });
});

Deno.test("with Redis down or slow the limiter keeps limiting on local counts, never failing open (#13, 11)", async () => {
  const redis = createRedis("redis://127.0.0.1:1/0", { lazyConnect: true });
  redis.on("error", () => {});
  const errors: unknown[] = [];
  const limiter = createSyncedRateLimiter(redis, {
    prefix: "test:ingest:rl:down",
    windowMs: 60_000,
    keyLimit: 5,
    keyIpLimit: 0,
    syncMs: 60_000,
    onError: (error) => errors.push(error),
  });
  try {
    // The decision is made at once: no Redis round-trip a busy event loop could time out.
    const first = limiter.check({ ip: "1.1.1.1", sourceId: "s", kind: "public", cost: 5 });
    assert.deepEqual(first, { allowed: true });
    await limiter.sync();
    assert.equal(errors.length, 1);
    const decision = limiter.check({ ip: "1.1.1.1", sourceId: "s", kind: "public", cost: 1 });
    assert.equal(decision.allowed, false);
  } finally {
    limiter.close();
    redis.disconnect();
  }
});
