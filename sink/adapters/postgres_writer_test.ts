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

type ProfileRow = {
  traits: Record<string, unknown>;
  tier: string;
  country_code: string | null;
  traits_updated_at: Date | null;
};

function profile(sql: Sql, user: string): Promise<ProfileRow[]> {
  return sql<ProfileRow[]>`
    SELECT traits, tier, country_code, traits_updated_at FROM users WHERE user_id = ${user}`;
}

function identifyOf(prefix: string, user: string) {
  return (id: string, traits: Record<string, unknown>, at: string) =>
    enrichedEvent({
      event_id: `${prefix}${id}`,
      type: "identify",
      event: "identify",
      user_id: user,
      anonymous_id: `${prefix}anon`,
      session_id: `${prefix}sess`,
      traits,
    }, { at });
}

const NEWER = "2026-03-01T13:00:00.000Z";
const OLDER = "2026-03-01T12:00:00.000Z";
// What the user is after both identifies: the newer one's values, plus keys only the older knew.
const EXPECTED = {
  traits: { name: "Ann B", plan: "pro", country_code: "AT", company: "Acme" },
  tier: "pro",
  country_code: "AT",
  traits_updated_at: new Date(NEWER),
};

Deno.test("writePlan() keeps newer traits and tier when an older identify arrives later", async () => {
  const prefix = `${testId()}_`;
  await using stores = await testStores(prefix);
  const user = `${prefix}user`;
  const identify = identifyOf(prefix, user);
  const newer = identify("new", { name: "Ann B", plan: "pro", country_code: "AT" }, NEWER);
  // An app flushing its offline queue: the older identify is processed after the newer one.
  const older = identify(
    "old",
    { name: "Ann", plan: "free", country_code: "FR", company: "Acme" },
    OLDER,
  );
  await write(stores.sql, [newer]);
  await write(stores.sql, [older]);
  assert.deepEqual({ ...(await profile(stores.sql, user))[0] }, EXPECTED);

  // Replays (at-least-once delivery) change nothing, in either order.
  await write(stores.sql, [newer]);
  await write(stores.sql, [older]);
  assert.deepEqual({ ...(await profile(stores.sql, user))[0] }, EXPECTED);

  // A still newer identify takes over its keys, the tier and the country it names.
  await write(stores.sql, [
    identify("newest", { plan: "team", country_code: "CH" }, "2026-03-01T14:00:00.000Z"),
  ]);
  assert.deepEqual({ ...(await profile(stores.sql, user))[0] }, {
    ...EXPECTED,
    traits: { ...EXPECTED.traits, plan: "team", country_code: "CH" },
    tier: "team",
    country_code: "CH",
    traits_updated_at: new Date("2026-03-01T14:00:00.000Z"),
  });
});

Deno.test("writePlan() keeps newer traits and tier when an older identify is later in the same batch", async () => {
  const prefix = `${testId()}_`;
  await using stores = await testStores(prefix);
  const user = `${prefix}user`;
  const identify = identifyOf(prefix, user);
  const batch = [
    identify("new", { name: "Ann B", plan: "pro", country_code: "AT" }, NEWER),
    identify("old", { name: "Ann", plan: "free", country_code: "FR", company: "Acme" }, OLDER),
  ];
  await write(stores.sql, batch);
  assert.deepEqual({ ...(await profile(stores.sql, user))[0] }, EXPECTED);
  await write(stores.sql, batch);
  assert.deepEqual({ ...(await profile(stores.sql, user))[0] }, EXPECTED);
});

Deno.test("writePlan() lets an older identify fill a tier the user has no trait for yet", async () => {
  const prefix = `${testId()}_`;
  await using stores = await testStores(prefix);
  const user = `${prefix}user`;
  const identify = identifyOf(prefix, user);
  await write(stores.sql, [identify("new", { name: "Ann B" }, NEWER)]);
  await write(stores.sql, [identify("old", { name: "Ann", tier: "gold" }, OLDER)]);
  assert.deepEqual({ ...(await profile(stores.sql, user))[0] }, {
    traits: { name: "Ann B", tier: "gold" },
    tier: "gold",
    country_code: "DE",
    traits_updated_at: new Date(NEWER),
  });
});
