import assert from "node:assert/strict";
import { writeIsolatingRejects } from "./core/bisect.ts";
import { planEvent } from "./core/postgres_plan.ts";
import type { WritePlan } from "./core/postgres_rows.ts";
import { errorMessage } from "../shared/errors.ts";
import type { EnrichedEvent } from "../shared/events/mod.ts";
import { createRegistry } from "../shared/metrics.ts";
import { createLogger } from "../shared/log.ts";
import { createSinkMetrics } from "./metrics.ts";
import type { Store } from "./lane.ts";
import { postgresStore } from "./stores.ts";
import { enrichedEvent, shopperSession } from "./testing/events.ts";
import { testId, testStores } from "../shared/testing/stores.ts";

/** `events` as the PostgreSQL lane's planned items, and the lane's write that isolates rejects. */
function isolatingWriter(store: Store<WritePlan>, events: EnrichedEvent[]) {
  const items = events.map((event, i) => ({
    event,
    value: (planEvent(event) as { value: WritePlan }).value,
    message: {
      topic: "t",
      partition: 0,
      offset: String(i),
      key: null,
      value: new Uint8Array(),
      headers: {},
      timestamp: "0",
    },
  }));
  const write = async (part: readonly (typeof items)[number][]) => void await store.write(part);
  const opts = { isContentError: store.isContentError, describe: errorMessage };
  return { items, isolate: (part: typeof items) => writeIsolatingRejects(part, write, opts) };
}

Deno.test("postgres store writes a replayed batch once and isolates a review PostgreSQL refuses", async () => {
  const prefix = `${testId()}_`;
  await using stores = await testStores(prefix);
  const store = postgresStore(stores.sql, {
    criticalEvents: ["purchase", "signup", "review"],
    metrics: createSinkMetrics(createRegistry("t", { processMetrics: false })),
    logger: createLogger("t", { level: "error" }),
  });
  const bad = enrichedEvent({
    event_id: `${prefix}bad`,
    event: "review",
    user_id: `${prefix}user`,
    properties: { product_id: `${prefix}p1`, rating: 7 },
  });
  const events = [...shopperSession(prefix).slice(4), bad];
  const { items, isolate } = isolatingWriter(store, events);
  const rejected = await isolate(items);
  assert.deepEqual(rejected.map((r) => r.item.event.event_id), [`${prefix}bad`]);
  assert.match(rejected[0]!.error, /reviews_rating_check/);
  // A replay of the good events changes nothing.
  assert.deepEqual(await isolate(items.slice(0, 3)), []);
  const [counts] = await stores.sql`SELECT
    (SELECT count(*) FROM business_events WHERE event_id LIKE ${prefix + "%"})::int AS events,
    (SELECT count(*) FROM order_items WHERE order_id LIKE ${prefix + "%"})::int AS items,
    (SELECT count(*) FROM reviews WHERE event_id LIKE ${prefix + "%"})::int AS reviews`;
  assert.deepEqual({ ...counts }, { events: 3, items: 2, reviews: 1 });
});

Deno.test("postgres store isolates an order or product id too long for its index instead of stalling (#13, 8)", async () => {
  const prefix = `${testId()}_`;
  await using stores = await testStores(prefix);
  const store = postgresStore(stores.sql, {
    criticalEvents: ["purchase", "signup", "review"],
    metrics: createSinkMetrics(createRegistry("t", { processMetrics: false })),
    logger: createLogger("t", { level: "error" }),
  });
  // Random text does not compress, so the btree entry stays over its ~2.7 KB limit (54000).
  const huge = (n: number) =>
    prefix + Array.from({ length: n }, () => Math.random().toString(36).slice(2, 12)).join("");
  const longOrder = enrichedEvent({
    event_id: `${prefix}long-order`,
    event: "purchase",
    user_id: `${prefix}user`,
    properties: {
      order_id: huge(1000),
      revenue: 10,
      currency: "USD",
      items: [{ product_id: `${prefix}p9`, quantity: 1, price: 10 }],
    },
  });
  const longProduct = enrichedEvent({
    event_id: `${prefix}long-product`,
    event: "review",
    user_id: `${prefix}user`,
    properties: { product_id: huge(1000), rating: 4 },
  });
  const events = [longOrder, ...shopperSession(prefix).slice(4), longProduct];
  const { items, isolate } = isolatingWriter(store, events);
  const rejected = await isolate(items);
  assert.deepEqual(rejected.map((r) => r.item.event.event_id), [
    `${prefix}long-order`,
    `${prefix}long-product`,
  ]);
  assert.match(rejected[0]!.error, /index row/);
  const [counts] = await stores.sql`SELECT
    (SELECT count(*) FROM business_events WHERE event_id LIKE ${prefix + "%"})::int AS events,
    (SELECT count(*) FROM order_items WHERE order_id LIKE ${prefix + "%"})::int AS items`;
  assert.deepEqual({ ...counts }, { events: 3, items: 2 });
});
