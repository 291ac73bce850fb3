import assert from "node:assert/strict";
import { createRedis } from "../../shared/redis/mod.ts";
import { closedPort } from "../testing/fixtures.ts";
import { testRedis } from "../testing/env.ts";
import { alertKey, createRedisLedger, UNKNOWN } from "./ledger.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("ledger remembers deliveries per destination for the TTL", opts, async () => {
  await using env = testRedis();
  const ledger = createRedisLedger(env.redis, { prefix: env.prefix, ttlSeconds: 604_800 });
  assert.equal(await ledger.wasDelivered("big_purchase", "e1", "webhook:crm"), false);
  assert.equal(await ledger.markDelivered("big_purchase", "e1", "webhook:crm"), true);
  assert.equal(await ledger.wasDelivered("big_purchase", "e1", "webhook:crm"), true);
  assert.equal(await ledger.wasDelivered("big_purchase", "e1", "telegram:default"), false);
  assert.equal(await ledger.wasDelivered("other_rule", "e1", "webhook:crm"), false);
  const key = alertKey("big_purchase", "e1", env.prefix);
  assert.equal(key, `${env.prefix}alert:big_purchase:e1`);
  const ttl = await env.redis.ttl(key);
  assert.ok(ttl > 604_000 && ttl <= 604_800, `ttl ${ttl}`);
});

Deno.test(
  "ledger throttle lets one event per key through and re-admits that event",
  opts,
  async () => {
    await using env = testRedis();
    const ledger = createRedisLedger(env.redis, { prefix: env.prefix });
    assert.equal(await ledger.claimThrottle("big_cart", "user_789", "e1", 60), true);
    assert.equal(await ledger.claimThrottle("big_cart", "user_789", "e2", 60), false);
    assert.equal(await ledger.claimThrottle("big_cart", "user_789", "e1", 60), true, "redelivery");
    assert.equal(await ledger.claimThrottle("big_cart", "user_42", "e3", 60), true);
    const ttl = await env.redis.ttl(`${env.prefix}alert-throttle:big_cart:user_789`);
    assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
  },
);

Deno.test("ledger answers unknown and reports the error when Redis is down", opts, async () => {
  const redis = createRedis(`redis://127.0.0.1:${closedPort()}/15`, { lazyConnect: true });
  redis.on("error", () => {});
  const errors: unknown[] = [];
  const ledger = createRedisLedger(redis, { timeoutMs: 100, onError: (e) => errors.push(e) });
  try {
    assert.equal(await ledger.wasDelivered("r", "e1", "webhook:crm"), UNKNOWN);
    assert.equal(await ledger.claimThrottle("r", "k", "e1", 60), UNKNOWN);
    assert.equal(await ledger.markDelivered("r", "e1", "webhook:crm"), false);
    assert.equal(errors.length, 3);
  } finally {
    redis.disconnect();
  }
});
