import assert from "node:assert/strict";
import { createPostgres } from "../../shared/postgres/mod.ts";
import { createRedis } from "../../shared/redis/mod.ts";
import { closedPort } from "../testing/fixtures.ts";
import { testLedger } from "../testing/env.ts";
import { createLedger, pruneDeliveries, UNKNOWN } from "./ledger.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("ledger remembers deliveries per destination in PostgreSQL", opts, async () => {
  await using env = await testLedger();
  const { ledger } = env;
  const e1 = crypto.randomUUID();
  assert.equal(await ledger.wasDelivered("big_purchase", e1, "webhook:crm"), false);
  assert.equal(await ledger.markDelivered("big_purchase", e1, "webhook:crm"), true);
  assert.equal(await ledger.markDelivered("big_purchase", e1, "webhook:crm"), true, "again");
  assert.equal(await ledger.wasDelivered("big_purchase", e1, "webhook:crm"), true);
  assert.equal(await ledger.wasDelivered("big_purchase", e1, "telegram:default"), false);
  assert.equal(await ledger.wasDelivered("other_rule", e1, "webhook:crm"), false);
  const rows = await env.sql`SELECT rule_id, destination FROM alert_deliveries
    WHERE event_id = ${e1}`;
  assert.deepEqual(rows.map((r) => [r.rule_id, r.destination]), [["big_purchase", "webhook:crm"]]);
});

Deno.test("ledger still knows a delivery after Redis lost every key (#13, 13)", opts, async () => {
  await using env = await testLedger();
  const e1 = crypto.randomUUID();
  await env.ledger.markDelivered("big_purchase", e1, "webhook:crm");
  // What an eviction (maxmemory-policy allkeys-lru) or a flush of the test prefix leaves.
  const keys = await env.redis.keys(`${env.prefix}*`);
  if (keys.length > 0) await env.redis.del(...keys);
  assert.equal(await env.ledger.wasDelivered("big_purchase", e1, "webhook:crm"), true);
});

Deno.test("pruneDeliveries() deletes only records older than the retention", opts, async () => {
  await using env = await testLedger();
  const [old, fresh] = [crypto.randomUUID(), crypto.randomUUID()];
  env.track(old);
  await env.sql`INSERT INTO alert_deliveries (rule_id, event_id, destination, delivered_at)
    VALUES ('r', ${old}, 'webhook:crm', now() - interval '40 days')`;
  await env.ledger.markDelivered("r", fresh, "webhook:crm");
  const deleted = await pruneDeliveries(env.sql, new Date(Date.now() - 35 * 86_400_000));
  assert.ok(deleted >= 1, `deleted ${deleted}`);
  assert.equal(await env.ledger.wasDelivered("r", old, "webhook:crm"), false);
  assert.equal(await env.ledger.wasDelivered("r", fresh, "webhook:crm"), true);
});

Deno.test(
  "ledger throttle lets one event per key through and re-admits that event",
  opts,
  async () => {
    await using env = await testLedger();
    const { ledger } = env;
    assert.equal(await ledger.claimThrottle("big_cart", "user_789", "e1", 60), true);
    assert.equal(await ledger.claimThrottle("big_cart", "user_789", "e2", 60), false);
    assert.equal(await ledger.claimThrottle("big_cart", "user_789", "e1", 60), true, "redelivery");
    assert.equal(await ledger.claimThrottle("big_cart", "user_42", "e3", 60), true);
    const ttl = await env.redis.ttl(`${env.prefix}alert-throttle:big_cart:user_789`);
    assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
  },
);

Deno.test(
  "ledger answers unknown and reports the error when its stores are down",
  opts,
  async () => {
    const port = closedPort();
    const redis = createRedis(`redis://127.0.0.1:${port}/15`, { lazyConnect: true });
    redis.on("error", () => {});
    const sql = createPostgres(`postgres://postgres@127.0.0.1:${port}/eventflow_test`);
    const errors: unknown[] = [];
    const ledger = createLedger({ sql, redis }, { timeoutMs: 100, onError: (e) => errors.push(e) });
    try {
      assert.equal(await ledger.wasDelivered("r", "e1", "webhook:crm"), UNKNOWN);
      assert.equal(await ledger.claimThrottle("r", "k", "e1", 60), UNKNOWN);
      assert.equal(await ledger.markDelivered("r", "e1", "webhook:crm"), false);
      assert.equal(errors.length, 3);
    } finally {
      redis.disconnect();
      await sql.end({ timeout: 1 });
    }
  },
);
