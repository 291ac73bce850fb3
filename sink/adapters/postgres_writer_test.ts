import assert from "node:assert/strict";
import { writePlan } from "./postgres_writer.ts";
import { planEvent } from "../core/postgres_plan.ts";
import { mergePlans } from "../core/postgres_merge.ts";
import type { WritePlan } from "../core/postgres_rows.ts";
import type { EnrichedEvent } from "../../shared/events/mod.ts";
import { enrichedEvent } from "../testing/events.ts";
import { testId, testStores } from "../../shared/testing/stores.ts";
import type { Sql } from "../../shared/postgres/mod.ts";

function write(sql: Sql, events: EnrichedEvent[]): Promise<void> {
  const plans = events.map((event) => {
    const outcome = planEvent(event);
    if (outcome.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
    return outcome.value as WritePlan;
  });
  return writePlan(sql, mergePlans(plans));
}

Deno.test("writePlan() keeps stored traits and tier when a later identify sends them as null", async () => {
  const prefix = `${testId()}_`;
  await using stores = await testStores(prefix);
  const user = `${prefix}user`;
  const identify = (id: string, traits: Record<string, unknown>, at: string) =>
    enrichedEvent(
      { event_id: `${prefix}${id}`, type: "identify", event: "identify", user_id: user, traits },
      { at },
    );
  await write(stores.sql, [
    identify("i1", { email: "ann@example.com", name: "Ann", plan: "pro" }, "2026-03-01T12:00:00Z"),
  ]);
  // A later batch: an SDK that sends every known trait key, unknown ones as null.
  await write(stores.sql, [
    identify("i2", { email: null, name: "Ann B", plan: null }, "2026-03-01T13:00:00Z"),
  ]);
  const [row] = await stores.sql<{ traits: Record<string, unknown>; tier: string }[]>`
    SELECT traits, tier FROM users WHERE user_id = ${user}`;
  assert.deepEqual(row?.traits, { email: "ann@example.com", name: "Ann B", plan: "pro" });
  assert.equal(row?.tier, "pro");
});

Deno.test("writePlan() marks an order refunded when its refund was written in an earlier batch", async () => {
  const prefix = `${testId()}_`;
  await using stores = await testStores(prefix);
  const order = `${prefix}order`;
  const base = { user_id: `${prefix}user`, anonymous_id: `${prefix}anon` };
  // Events of one user travel in one partition, but a refund sent by the back end with the
  // order id can still overtake the purchase (client clock, retries, a different source).
  await write(stores.sql, [enrichedEvent({
    ...base,
    event_id: `${prefix}refund`,
    event: "refund",
    properties: { order_id: order },
  }, { at: "2026-03-01T12:05:00Z" })]);
  await write(stores.sql, [enrichedEvent({
    ...base,
    event_id: `${prefix}purchase`,
    event: "purchase",
    properties: { order_id: order, total: 40, currency: "USD" },
  }, { at: "2026-03-01T12:00:00Z" })]);
  const [row] = await stores.sql<{ status: string; total: string }[]>`
    SELECT status, total::text AS total FROM orders WHERE order_id = ${order}`;
  assert.deepEqual({ ...row }, { status: "refunded", total: "40.00" });
});
