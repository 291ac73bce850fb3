import assert from "node:assert/strict";
import { createRedis } from "../redis/mod.ts";
import { identityKey, sessionKey, userKey } from "../redis/keys.ts";
import { chNumber, TEST_ENV, testId, testStores } from "../testing/stores.ts";
import { exportUserData, forgetUserData } from "./mod.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "export returns a user's rows from both stores and forget leaves nothing of them, and all of the other user",
  opts,
  async () => {
    const p = testId();
    await using stores = await testStores(p);
    const { sql, ch } = stores;
    const [u, v] = [`${p}_u`, `${p}_v`];
    // a1: linked by identify; a2: only seen on u's events; b: v's; shared: seen with u but
    // linked to v (a shared device), so it stays v's.
    const [a1, a2, b, shared] = [`${p}_a1`, `${p}_a2`, `${p}_b`, `${p}_shared`];
    const at = "2026-04-10T12:00:00Z";
    await sql`INSERT INTO users (user_id, tier, traits) VALUES
      (${u}, 'gold', ${sql.json({ email: "u@example.com" })}),
      (${v}, 'free', ${sql.json({ email: "v@example.com" })})`;
    await sql`INSERT INTO identities (anonymous_id, user_id) VALUES
      (${a1}, ${u}), (${b}, ${v}), (${shared}, ${v})`;
    await sql`INSERT INTO products (product_id, name) VALUES (${`${p}_prod`}, 'Headphones')`;
    await sql`INSERT INTO sessions (session_id, user_id, anonymous_id, started_at, last_seen_at)
      VALUES (${`${p}_s1`}, ${u}, ${a1}, ${at}, ${at}), (${`${p}_s2`}, NULL, ${a1}, ${at}, ${at}),
             (${`${p}_s3`}, ${v}, ${b}, ${at}, ${at})`;
    await sql`INSERT INTO orders
      (order_id, event_id, user_id, anonymous_id, session_id, total, currency, created_at) VALUES
      (${`${p}_o1`}, ${`${p}_eo1`}, ${u}, ${a1}, ${`${p}_s1`}, 10, 'USD', ${at}),
      (${`${p}_o2`}, ${`${p}_eo2`}, NULL, ${a1}, ${`${p}_s2`}, 20, 'USD', ${at}),
      (${`${p}_o3`}, ${`${p}_eo3`}, ${v}, ${b}, ${`${p}_s3`}, 30, 'USD', ${at}),
      (${`${p}_o4`}, ${`${p}_eo4`}, ${v}, ${b}, ${`${p}_s1`}, 40, 'USD', ${at})`;
    await sql`INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price) VALUES
      (${`${p}_o1`}, 1, ${`${p}_prod`}, 1, 10), (${`${p}_o3`}, 1, ${`${p}_prod`}, 3, 10)`;
    await sql`INSERT INTO signups (user_id, event_id, signed_up_at) VALUES
      (${u}, ${`${p}_su`}, ${at}), (${v}, ${`${p}_sv`}, ${at})`;
    await sql`INSERT INTO reviews (event_id, user_id, product_id, rating, body, created_at) VALUES
      (${`${p}_ru`}, ${u}, ${`${p}_prod`}, 5, 'Great', ${at}),
      (${`${p}_rv`}, ${v}, ${`${p}_prod`}, 2, 'Meh', ${at})`;
    await sql`INSERT INTO business_events (event_id, event, user_id, anonymous_id, occurred_at)
      VALUES (${`${p}_bu`}, 'purchase', ${u}, ${a1}, ${at}),
             (${`${p}_ba`}, 'refund', NULL, ${a2}, ${at}),
             (${`${p}_bv`}, 'purchase', ${v}, ${b}, ${at})`;
    const event = (n: number, user: string, anon: string) => ({
      event_id: `${p}_e${n}`,
      event: "page_view",
      type: "page",
      timestamp: "2026-04-10 12:00:00.000",
      received_at: "2026-04-10 12:00:00.000",
      enriched_at: "2026-04-10 12:00:01.000",
      user_id: user,
      anonymous_id: anon,
      ip: "85.214.132.0",
      properties: JSON.stringify({ n }),
      platform: "web",
    });
    await ch.insert({
      table: "events",
      format: "JSONEachRow",
      values: [
        event(1, u, a1),
        event(2, "", a1),
        event(3, u, a2),
        event(4, "", a2),
        event(5, v, b),
        event(6, "", shared),
        event(7, u, shared),
      ],
    });
    const redis = createRedis(TEST_ENV.REDIS_URL);
    const prefix = `${p}:`;
    try {
      await redis.set(userKey(u, prefix), "{}");
      await redis.set(identityKey(a1, prefix), u);
      await redis.set(sessionKey(a2, prefix), "{}");
      await redis.set(userKey(v, prefix), "{}");

      const exported = await exportUserData({ sql, ch }, u, new Date(at));
      assert.deepEqual(exported.anonymous_ids, [a1, a2]);
      assert.equal(exported.exported_at, "2026-04-10T12:00:00.000Z");
      const ids = (table: string, key: string) =>
        (exported.postgres[table] as Record<string, unknown>[]).map((r) => r[key]);
      assert.deepEqual(ids("users", "user_id"), [u]);
      assert.deepEqual(
        (exported.postgres.users![0] as { traits: unknown }).traits,
        { email: "u@example.com" },
      );
      assert.deepEqual(ids("identities", "anonymous_id"), [a1]);
      assert.deepEqual(ids("sessions", "session_id"), [`${p}_s1`, `${p}_s2`]);
      // o4 is v's order in one of u's sessions: v's, not exported with u.
      assert.deepEqual(ids("orders", "order_id"), [`${p}_o1`, `${p}_o2`]);
      assert.deepEqual(ids("order_items", "order_id"), [`${p}_o1`]);
      assert.deepEqual(ids("signups", "event_id"), [`${p}_su`]);
      assert.deepEqual(ids("reviews", "body"), ["Great"]);
      assert.deepEqual(ids("business_events", "event_id").sort(), [`${p}_ba`, `${p}_bu`]);
      assert.deepEqual(
        (exported.clickhouse.events as { event_id: string }[]).map((e) => e.event_id).sort(),
        [`${p}_e1`, `${p}_e2`, `${p}_e3`, `${p}_e4`, `${p}_e7`],
      );
      assert.equal(
        JSON.stringify(exported).length > 0 && JSON.parse(JSON.stringify(exported)).user_id,
        u,
      );

      const report = await forgetUserData({ sql, ch, redis, redisPrefix: prefix }, u);
      assert.deepEqual(report.anonymous_ids, [a1, a2]);
      assert.equal(report.deleted.clickhouse.events, 5);
      assert.equal(report.deleted.clickhouse.revenue_events, 0);
      // The query service's per-actor rollup: rows for u, a1 and a2 (one per actor and day).
      assert.ok((report.deleted.clickhouse.actor_days ?? 0) >= 3, "actor_days rows deleted");
      assert.equal(report.deleted.redis, 3);
      assert.equal(report.deleted.postgres.users, 1);
      assert.equal(report.deleted.postgres.sessions, 2);

      // Nothing of u is left anywhere.
      const after = await exportUserData({ sql, ch }, u);
      for (const [table, rows] of Object.entries({ ...after.postgres, ...after.clickhouse })) {
        assert.deepEqual(rows, [], `${table} still holds rows of the forgotten user`);
      }
      const like = `${p}%`;
      for (const table of ["identities", "sessions", "orders", "business_events"]) {
        const left = await sql.unsafe(
          `SELECT count(*)::int AS n FROM ${table}
           WHERE user_id = $1 OR anonymous_id = ANY($2::text[])`,
          [u, [a1, a2]],
        );
        assert.equal(left[0]!.n, 0, table);
      }
      for (const table of ["users", "signups", "reviews"]) {
        const left = await sql.unsafe(
          `SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`,
          [u],
        );
        assert.equal(left[0]!.n, 0, table);
      }
      assert.equal(
        await chNumber(
          ch,
          "SELECT count() AS n FROM events WHERE user_id = {u:String} OR anonymous_id IN ({a:Array(String)})",
          { u, a: [a1, a2] },
        ),
        0,
      );
      assert.deepEqual(await redis.exists(userKey(u, prefix), identityKey(a1, prefix)), 0);

      // The other user, and the shared device linked to them, are untouched.
      const of = async (table: string) =>
        (await sql.unsafe(
          `SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`,
          [v],
        ))[0]!.n;
      assert.deepEqual(
        await Promise.all(
          ["users", "identities", "sessions", "orders", "signups", "reviews", "business_events"]
            .map(of),
        ),
        [1, 2, 1, 2, 1, 1, 1],
      );
      const [o4] = await sql`SELECT session_id FROM orders WHERE order_id = ${`${p}_o4`}`;
      assert.equal(o4!.session_id, null);
      const [items] =
        await sql`SELECT count(*)::int AS n FROM order_items WHERE order_id LIKE ${like}`;
      assert.equal(items!.n, 1);
      assert.equal(
        await chNumber(
          ch,
          "SELECT count() AS n FROM events WHERE startsWith(event_id, {p:String})",
          {
            p,
          },
        ),
        2,
      );
      assert.equal(await redis.exists(userKey(v, prefix)), 1);
      // Forgetting again finds nothing and fails nothing.
      const again = await forgetUserData({ sql, ch, redis, redisPrefix: prefix }, u);
      assert.deepEqual(again.deleted.clickhouse, { events: 0, revenue_events: 0, actor_days: 0 });
      assert.equal(Object.values(again.deleted.postgres).reduce((a, n) => a + n, 0), 0);
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  },
);
