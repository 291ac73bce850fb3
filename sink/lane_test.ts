/**
 * The PostgreSQL lane against the real database: which sources may change orders and profiles
 * (#13, 4), and order ids claimed twice.
 */
import assert from "node:assert/strict";
import type { DeadLetter, EnrichedEvent } from "../shared/events/mod.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createLogger } from "../shared/log.ts";
import { systemClock } from "../shared/time.ts";
import { deletePostgresPrefix, testId, testSql } from "../shared/testing/stores.ts";
import { createLane, type Lane } from "./lane.ts";
import { createSinkMetrics, type SinkMetrics } from "./metrics.ts";
import { postgresStore } from "./stores.ts";
import { batchOf, enrichedEvent } from "./testing/events.ts";

/** A PostgreSQL lane on the test database, recording its dead letters; disposing deletes rows. */
async function postgresLane(prefix: string) {
  const sql = await testSql();
  const dead: DeadLetter[] = [];
  const metrics: SinkMetrics = createSinkMetrics(createRegistry("t", { processMetrics: false }));
  const logger = createLogger("t", { level: "error" });
  const lane: Lane = createLane(
    postgresStore(sql, {
      criticalEvents: ["purchase", "order_completed", "order_refunded", "signup", "review"],
      metrics,
      logger,
    }),
    {
      deadLetters: {
        send: (records) => {
          dead.push(...records);
          return Promise.resolve();
        },
      },
      metrics,
      logger,
      clock: systemClock,
      batchSize: 100,
      flushMs: 10,
      maxBuffered: 1000,
      deadLetterInvalid: false,
      backoff: { baseMs: 10, maxMs: 50 },
    },
  );
  let offset = 0;
  return {
    sql,
    dead,
    metrics,
    /** Hands `events` to the lane as one batch; resolves once they are stored or dead-lettered. */
    async handle(events: EnrichedEvent[]) {
      await lane.handle(batchOf(events, { firstOffset: offset }));
      offset += events.length;
    },
    async [Symbol.asyncDispose]() {
      await deletePostgresPrefix(sql, prefix);
      await sql[Symbol.asyncDispose]();
    },
  };
}

function purchase(prefix: string, id: string, opts: {
  order: string;
  user: string;
  total: number;
  items?: { product_id: string; price: number; quantity?: number }[];
  source_kind?: "public" | "server";
}): EnrichedEvent {
  return enrichedEvent({
    event_id: `${prefix}${id}`,
    event: "purchase",
    user_id: `${prefix}${opts.user}`,
    anonymous_id: `${prefix}anon_${opts.user}`,
    session_id: `${prefix}sess_${opts.user}`,
    properties: {
      order_id: `${prefix}${opts.order}`,
      total: opts.total,
      currency: "USD",
      items: (opts.items ?? [{ product_id: "p1", price: opts.total }]).map((i) => ({
        ...i,
        product_id: `${prefix}${i.product_id}`,
      })),
    },
    source_kind: opts.source_kind ?? "server",
  });
}

Deno.test("a public key's purchase creates no order and its refund leaves the order paid (#13, 4)", async () => {
  const prefix = `${testId()}_`;
  await using pg = await postgresLane(prefix);
  await pg.handle([purchase(prefix, "real", { order: "o1", user: "alice", total: 120 })]);
  await pg.handle([
    purchase(prefix, "fake", { order: "o2", user: "mallory", total: 1, source_kind: "public" }),
    enrichedEvent({
      event_id: `${prefix}refund`,
      event: "order_refunded",
      user_id: `${prefix}mallory`,
      session_id: `${prefix}sess_mallory`,
      properties: { order_id: `${prefix}o1` },
      source_kind: "public",
    }),
    // Absent source_kind (a message from before the field existed) is public too.
    {
      ...purchase(prefix, "old", { order: "o3", user: "mallory", total: 2 }),
      source_kind: undefined,
    },
  ]);
  const orders = await pg.sql`SELECT order_id, status, total::float8 AS total FROM orders
    WHERE order_id LIKE ${prefix + "%"} ORDER BY order_id`;
  assert.deepEqual(orders.map((o) => [o.order_id, o.status, o.total]), [[
    `${prefix}o1`,
    "paid",
    120,
  ]]);
  const items = await pg.sql`SELECT order_id FROM order_items WHERE order_id LIKE ${prefix + "%"}`;
  assert.deepEqual(items.map((i) => i.order_id), [`${prefix}o1`]);
  // Not in the activity feed either, and a later server purchase of o1's id is not refunded by it.
  const feed = await pg.sql`SELECT event_id FROM business_events
    WHERE event_id LIKE ${prefix + "%"} ORDER BY event_id`;
  assert.deepEqual(feed.map((e) => e.event_id), [`${prefix}real`]);
  assert.deepEqual(pg.dead, []);
  const skipped = (await pg.metrics.skipped.get()).values;
  assert.deepEqual(skipped.map((v) => [v.labels, v.value]), [
    [{ store: "postgres", reason: "PUBLIC_ORDER_EVENT" }, 3],
  ]);
});

Deno.test("a public pre-claim of an order id cannot take the server's order (#13, 4)", async () => {
  const prefix = `${testId()}_`;
  await using pg = await postgresLane(prefix);
  await pg.handle([
    purchase(prefix, "claim", { order: "o1", user: "mallory", total: 1, source_kind: "public" }),
  ]);
  await pg.handle([purchase(prefix, "real", {
    order: "o1",
    user: "alice",
    total: 250,
    items: [{ product_id: "p1", price: 100 }, { product_id: "p2", price: 75, quantity: 2 }],
  })]);
  const orders = await pg.sql`SELECT event_id, user_id, total::float8 AS total FROM orders
    WHERE order_id = ${prefix + "o1"}`;
  assert.deepEqual(orders.map((o) => [o.event_id, o.user_id, o.total]), [
    [`${prefix}real`, `${prefix}alice`, 250],
  ]);
  const [lines] = await pg.sql`SELECT count(*)::int AS n FROM order_items
    WHERE order_id = ${prefix + "o1"}`;
  assert.equal(lines?.n, 2);
  assert.deepEqual(pg.dead, []);
});

Deno.test("an order id claimed by another order is dead-lettered ORDER_ID_CONFLICT, a redelivery is not (#13, 4)", async () => {
  const prefix = `${testId()}_`;
  await using pg = await postgresLane(prefix);
  const real = purchase(prefix, "real", { order: "o1", user: "alice", total: 250 });
  await pg.handle([real]);
  const again = purchase(prefix, "again", { order: "o1", user: "alice", total: 250 });
  const other = purchase(prefix, "other", {
    order: "o1",
    user: "bob",
    total: 9,
    items: [{ product_id: "p1", price: 1 }, { product_id: "p9", price: 8 }],
  });
  const inBatchOwner = purchase(prefix, "o2-first", { order: "o2", user: "carol", total: 5 });
  const inBatchClaim = purchase(prefix, "o2-second", { order: "o2", user: "dave", total: 6 });
  // The same event redelivered, the same order reported again by a second event, a different
  // order reusing the id (stored in an earlier batch, and within this batch).
  await pg.handle([real, again, other, inBatchOwner, inBatchClaim]);
  const dead = [...pg.dead].sort((a, b) => String(a.event_id).localeCompare(String(b.event_id)));
  assert.deepEqual(dead.map((d) => [d.event_id, d.reason, d.stage]), [
    [`${prefix}o2-second`, "ORDER_ID_CONFLICT", "sink-postgres"],
    [`${prefix}other`, "ORDER_ID_CONFLICT", "sink-postgres"],
  ]);
  assert.match(dead[1]!.error, new RegExp(`already belongs to event "${prefix}real"`));
  assert.equal(JSON.parse(dead[1]!.payload).event_id, `${prefix}other`, "replayable payload");
  const orders = await pg.sql`SELECT order_id, event_id FROM orders
    WHERE order_id LIKE ${prefix + "%"} ORDER BY order_id`;
  assert.deepEqual(orders.map((o) => [o.order_id, o.event_id]), [
    [`${prefix}o1`, `${prefix}real`],
    [`${prefix}o2`, `${prefix}o2-first`],
  ]);
  // The conflicting order's lines did not join the stored order.
  const lines = await pg.sql`SELECT order_id, product_id FROM order_items
    WHERE order_id LIKE ${prefix + "%"} ORDER BY order_id, line_no`;
  assert.deepEqual(lines.map((l) => [l.order_id, l.product_id]), [
    [`${prefix}o1`, `${prefix}p1`],
    [`${prefix}o2`, `${prefix}p1`],
  ]);
  const feed = await pg.sql`SELECT event_id FROM business_events
    WHERE event_id LIKE ${prefix + "%"} ORDER BY event_id`;
  assert.deepEqual(feed.map((e) => e.event_id), [
    `${prefix}again`,
    `${prefix}o2-first`,
    `${prefix}real`,
  ]);
});

Deno.test("a public identify leaves tier and traits alone; a future timestamp cannot win (#13, 4)", async () => {
  const prefix = `${testId()}_`;
  await using pg = await postgresLane(prefix);
  const identify = (id: string, traits: Record<string, unknown>, opts: {
    at: string;
    received: string;
    source_kind?: "public" | "server";
  }) =>
    enrichedEvent({
      event_id: `${prefix}${id}`,
      type: "identify",
      event: "identify",
      user_id: `${prefix}alice`,
      session_id: `${prefix}sess`,
      traits,
      timestamp: opts.at,
      received_at: opts.received,
      source_kind: opts.source_kind ?? "server",
    });
  await pg.handle([identify("i1", { plan: "free", name: "Alice" }, {
    at: "2026-03-01T12:00:00.000Z",
    received: "2026-03-01T12:00:00.000Z",
  })]);
  await pg.handle([identify("i2", { tier: "enterprise", name: "Mallory", country_code: "KP" }, {
    at: "2026-03-01T12:05:00.000Z",
    received: "2026-03-01T12:05:00.000Z",
    source_kind: "public",
  })]);
  const profile = async () => {
    const [user] = await pg.sql`SELECT tier, traits, country_code FROM users
      WHERE user_id = ${prefix + "alice"}`;
    return [user?.tier, user?.traits, user?.country_code];
  };
  assert.deepEqual(await profile(), ["free", { plan: "free", name: "Alice" }, "DE"]);
  // A server identify dated far ahead (a producer writing to Kafka directly, a wrong clock)
  // counts as of its receive time, so the next real change still wins.
  await pg.handle([identify("i3", { plan: "gold" }, {
    at: "2099-01-01T00:00:00.000Z",
    received: "2026-03-01T12:10:00.000Z",
  })]);
  await pg.handle([identify("i4", { plan: "silver" }, {
    at: "2026-03-01T12:20:00.000Z",
    received: "2026-03-01T12:20:00.000Z",
  })]);
  assert.deepEqual(await profile(), ["silver", { plan: "silver", name: "Alice" }, "DE"]);
  const [clock] = await pg.sql`SELECT traits_updated_at FROM users WHERE user_id = ${
    prefix + "alice"
  }`;
  assert.equal((clock?.traits_updated_at as Date).toISOString(), "2026-03-01T12:20:00.000Z");
});
