import assert from "node:assert/strict";
import { createRedis } from "../../shared/redis/mod.ts";
import { createRedisRateLimiter } from "./rate_limiter.ts";

const REDIS_URL = Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379/0";

async function withRedis(
  fn: (redis: ReturnType<typeof createRedis>, prefix: string) => Promise<void>,
) {
  const redis = createRedis(REDIS_URL);
  const prefix = `test:ingest:rl:${crypto.randomUUID().slice(0, 8)}`;
  try {
    await fn(redis, prefix);
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

Deno.test("rate limiter counts events per write key within a window, resets in the next", async () => {
  await withRedis(async (redis, prefix) => {
    let now = 1_000_000_250;
    const limiter = createRedisRateLimiter(redis, {
      prefix,
      windowMs: 1000,
      keyLimit: 10,
      ipLimit: 0,
      timeoutMs: 1000,
      now: () => now,
    });
    assert.deepEqual(await limiter.check({ ip: "1.1.1.1", sourceId: "s", cost: 6 }), {
      allowed: true,
    });
    assert.deepEqual(await limiter.check({ ip: "1.1.1.1", sourceId: "s", cost: 4 }), {
      allowed: true,
    });
    assert.deepEqual(await limiter.check({ ip: "1.1.1.1", sourceId: "s", cost: 1 }), {
      allowed: false,
      scope: "write_key",
      retryAfterSeconds: 1,
      limit: 10,
    });
    assert.deepEqual(await limiter.check({ ip: "1.1.1.1", sourceId: "other", cost: 1 }), {
      allowed: true,
    });
    now += 1000;
    assert.deepEqual(await limiter.check({ ip: "1.1.1.1", sourceId: "s", cost: 10 }), {
      allowed: true,
    });
    const ttl = await redis.pttl(`${prefix}:src:s:${Math.floor(now / 1000)}`);
    assert.ok(ttl > 0 && ttl <= 2000, `keys expire (pttl ${ttl})`);
  });
});

Deno.test("rate limiter counts requests per IP and reports Retry-After to the window end", async () => {
  await withRedis(async (redis, prefix) => {
    const now = 1_000_000_000;
    const limiter = createRedisRateLimiter(redis, {
      prefix,
      windowMs: 10_000,
      keyLimit: 0,
      ipLimit: 2,
      timeoutMs: 1000,
      now: () => now,
    });
    await limiter.check({ ip: "1.1.1.1", sourceId: "s", cost: 50 });
    await limiter.check({ ip: "1.1.1.1", sourceId: "s", cost: 50 });
    assert.deepEqual(await limiter.check({ ip: "1.1.1.1", sourceId: "s", cost: 1 }), {
      allowed: false,
      scope: "ip",
      retryAfterSeconds: 10,
      limit: 2,
    });
    assert.deepEqual(await limiter.check({ ip: "2.2.2.2", sourceId: "s", cost: 1 }), {
      allowed: true,
    });
  });
});

Deno.test("rate limiter decides concurrent checks as if they ran one after another in arrival order", async () => {
  await withRedis(async (redis, prefix) => {
    const now = 1_000_000_000;
    const limiter = createRedisRateLimiter(redis, {
      prefix,
      windowMs: 10_000,
      keyLimit: 10,
      ipLimit: 3,
      timeoutMs: 1000,
      now: () => now,
    });
    // The first check goes alone; the others queue behind it and share one script call.
    const decisions = await Promise.all([
      limiter.check({ ip: "1.1.1.1", sourceId: "s", cost: 3 }),
      limiter.check({ ip: "2.2.2.2", sourceId: "s", cost: 3 }),
      limiter.check({ ip: "1.1.1.1", sourceId: "s", cost: 3 }),
      limiter.check({ ip: "1.1.1.1", sourceId: "other", cost: 1 }),
      limiter.check({ ip: "2.2.2.2", sourceId: "s", cost: 3 }),
      limiter.check({ ip: "3.3.3.3", sourceId: "s", cost: 1 }),
    ]);
    const ipDenied = { allowed: false, scope: "ip", retryAfterSeconds: 10, limit: 3 };
    const keyDenied = { allowed: false, scope: "write_key", retryAfterSeconds: 10, limit: 10 };
    assert.deepEqual(decisions, [
      { allowed: true }, // s: 3, ip1: 1
      { allowed: true }, // s: 6, ip2: 1
      { allowed: true }, // s: 9, ip1: 2
      { allowed: true }, // other: 1, ip1: 3
      keyDenied, // s: 12, ip2: 2
      keyDenied, // s: 13, ip3: 1
    ]);
    assert.deepEqual(await limiter.check({ ip: "1.1.1.1", sourceId: "other", cost: 1 }), ipDenied);
    const window = Math.floor(now / 10_000);
    assert.equal(await redis.get(`${prefix}:src:s:${window}`), "13");
    assert.equal(await redis.get(`${prefix}:ip:1.1.1.1:${window}`), "4");
    const ttl = await redis.pttl(`${prefix}:ip:2.2.2.2:${window}`);
    assert.ok(ttl > 0 && ttl <= 20_000, `keys expire (pttl ${ttl})`);
  });
});

Deno.test("rate limiter fails open and reports the error when Redis is unreachable", async () => {
  const redis = createRedis("redis://127.0.0.1:1/0", { lazyConnect: true });
  redis.on("error", () => {});
  const errors: unknown[] = [];
  const limiter = createRedisRateLimiter(redis, {
    prefix: "test:ingest:rl:down",
    windowMs: 1000,
    keyLimit: 1,
    ipLimit: 1,
    timeoutMs: 200,
    onError: (error) => errors.push(error),
  });
  try {
    assert.deepEqual(await limiter.check({ ip: "1.1.1.1", sourceId: "s", cost: 5 }), {
      allowed: true,
    });
    assert.equal(errors.length, 1);
  } finally {
    redis.disconnect();
  }
});

Deno.test("rate limiter counts an IPv6 client's whole /64, so rotating addresses does not escape it", async () => {
  await withRedis(async (redis, prefix) => {
    const now = 1_000_000_000;
    const limiter = createRedisRateLimiter(redis, {
      prefix,
      windowMs: 1000,
      keyLimit: 0,
      ipLimit: 2,
      timeoutMs: 1000,
      now: () => now,
    });
    const check = (ip: string) => limiter.check({ ip, sourceId: "s", cost: 1 });
    assert.deepEqual(await check("2001:db8:1:2::1"), { allowed: true });
    assert.deepEqual(await check("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), { allowed: true });
    assert.deepEqual(await check("2001:0db8:0001:0002:ffff::9"), {
      allowed: false,
      scope: "ip",
      retryAfterSeconds: 1,
      limit: 2,
    });
    // The neighbouring /64 is another subscriber; IPv4 clients are still counted per address.
    assert.deepEqual(await check("2001:db8:1:3::1"), { allowed: true });
    assert.deepEqual(await check("198.51.100.7"), { allowed: true });
    assert.deepEqual(await check("198.51.100.8"), { allowed: true });
    assert.deepEqual(
      await redis.get(`${prefix}:ip:2001:db8:1:2::/64:${Math.floor(now / 1000)}`),
      "3",
    );
  });
});
