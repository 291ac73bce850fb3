import assert from "node:assert/strict";
import { CANONICAL_EVENTS, isBusinessCritical, namesOf } from "../../shared/events/mod.ts";
import { loadConfig } from "../config.ts";
import {
  DEFAULT_CRITICAL_EVENTS,
  EVENT_KINDS,
  eventKind,
  isCritical,
  planEvent,
  PUBLIC_ORDER_EVENT,
  REFUND_EVENTS,
  traitTime,
} from "./postgres_plan.ts";
import { mergePlans } from "./postgres_merge.ts";
import { enrichedEvent, shopperSession } from "../testing/events.ts";
import type { WritePlan } from "./postgres_rows.ts";

function planOf(outcome: ReturnType<typeof planEvent>): WritePlan {
  if (outcome.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.value;
}

const critical = new Set(["purchase", "signup", "review"]);

Deno.test("isCritical() selects configured names and every identify/alias call", () => {
  const [pageView, , , , purchase] = shopperSession("t_");
  assert.equal(isCritical(pageView!, critical), false);
  assert.equal(isCritical(purchase!, critical), true);
  assert.equal(
    isCritical(enrichedEvent({ event_id: "i", type: "identify", event: "identify" }), critical),
    true,
  );
});

Deno.test("planEvent() turns a purchase into an order, its lines, products and the user", () => {
  const plan = planOf(planEvent(shopperSession("t_")[4]!));
  assert.deepEqual(plan.orders.map((o) => [o.order_id, o.total, o.currency, o.total_base]), [
    ["t_order1", 114.9, "EUR", 124.09],
  ]);
  assert.deepEqual(plan.orderItems, [
    { order_id: "t_order1", line_no: 1, product_id: "t_p1", quantity: 1, unit_price: 89.9 },
    { order_id: "t_order1", line_no: 2, product_id: "t_p2", quantity: 2, unit_price: 12.5 },
  ]);
  assert.deepEqual(plan.products.map((p) => [p.product_id, p.name]), [
    ["t_p1", "Trail Runner"],
    ["t_p2", "Running Socks"],
  ]);
  assert.deepEqual(plan.users.map((u) => [u.user_id, u.changed]), [["t_user", false]]);
  assert.deepEqual(plan.identities.map((i) => [i.anonymous_id, i.user_id]), [["t_anon", "t_user"]]);
  assert.equal(plan.businessEvents[0]?.event_id, "t_e5");
  assert.equal(plan.sessions[0]?.session_id, "t_sess");
});

Deno.test("planEvent() uses the event id as order id and sums lines when no revenue is given", () => {
  const plan = planOf(planEvent(enrichedEvent({
    event_id: "ev9",
    event: "order_completed",
    properties: { items: [{ sku: "s1", quantity: "3", price: "2.5" }] },
  })));
  assert.equal(plan.orders[0]?.order_id, "ev9");
  assert.equal(plan.orders[0]?.total, 7.5);
  assert.equal(plan.orders[0]?.currency, "USD");
  assert.equal(plan.orderItems[0]?.product_id, "s1");
});

Deno.test("planEvent() dead-letters a purchase line without a product id, naming the field", () => {
  const outcome = planEvent(enrichedEvent({
    event_id: "ev1",
    event: "purchase",
    properties: { items: [{ product_id: "a", price: 1 }, { price: 2 }] },
  }));
  assert.deepEqual(outcome, {
    kind: "dlq",
    reason: "INVALID_BUSINESS_EVENT",
    error: 'Cannot store purchase "ev1": field "properties.items.1.product_id" is missing',
  });
});

Deno.test("planEvent() records a signup with the user's signup time and marks the profile changed", () => {
  const plan = planOf(planEvent(shopperSession("t_")[5]!));
  assert.deepEqual(plan.signups.map((s) => [s.user_id, s.event_id, s.method]), [
    ["t_user", "t_e6", "email"],
  ]);
  assert.equal(plan.users[0]?.signup_at, "2026-03-01T12:05:00.000Z");
  assert.equal(plan.users[0]?.changed, true);
  assert.equal(plan.users[0]?.tier, "free");
});

Deno.test("planEvent() turns a user_signed_up event into a signup row, like a signup", () => {
  const event = { ...shopperSession("t_")[5]!, event: "user_signed_up" };
  assert.ok(isCritical(event, new Set(DEFAULT_CRITICAL_EVENTS)));
  const plan = planOf(planEvent(event));
  assert.deepEqual(plan.signups.map((s) => [s.user_id, s.event_id, s.method]), [
    ["t_user", "t_e6", "email"],
  ]);
  assert.equal(plan.users[0]?.signup_at, "2026-03-01T12:05:00.000Z");
});

Deno.test("every event kind with a table is business-critical and stored by default", () => {
  assert.deepEqual(EVENT_KINDS.filter((kind) => !isBusinessCritical(kind)), []);
  const kinded = namesOf(CANONICAL_EVENTS).filter((name) => eventKind(name) !== "other");
  assert.deepEqual(kinded.filter((name) => !DEFAULT_CRITICAL_EVENTS.includes(name)), []);
  // Every name of the four kinds: a name the sink plans for but does not store is the bug.
  assert.equal(kinded.length, 13);
  assert.deepEqual(REFUND_EVENTS, ["refund", "order_refunded"]);
});

Deno.test("the default CRITICAL_EVENTS include review_submitted and user_signed_up", () => {
  const defaults = loadConfig({}).CRITICAL_EVENTS;
  assert.ok(defaults.includes("review_submitted"), defaults.join());
  assert.ok(defaults.includes("user_signed_up"), defaults.join());
  assert.equal(eventKind("review_submitted"), "review");
  assert.deepEqual(loadConfig({}).CRITICAL_EVENTS, DEFAULT_CRITICAL_EVENTS);
  // A canonical name brings its aliases; any other name is kept as written.
  assert.deepEqual(
    loadConfig({ CRITICAL_EVENTS: "refund, order_completed, trial_started" }).CRITICAL_EVENTS,
    ["refund", "order_refunded", "order_completed", "trial_started"],
  );
});

Deno.test("planEvent() links an alias's previous id to the user", () => {
  const plan = planOf(planEvent(enrichedEvent({
    event_id: "a1",
    type: "alias",
    event: "alias",
    user_id: "u1",
    previous_id: "old-id",
    anonymous_id: null,
  })));
  assert.deepEqual(plan.identities.map((i) => [i.anonymous_id, i.user_id]), [["old-id", "u1"]]);
});

Deno.test("planEvent() dead-letters a review without a rating", () => {
  const outcome = planEvent(enrichedEvent({
    event_id: "r1",
    event: "review",
    properties: { product_id: "p" },
  }));
  assert.equal(outcome.kind, "dlq");
  assert.match(
    (outcome as { error: string }).error,
    /field "properties.rating" must be an integer/,
  );
});

Deno.test("mergePlans() keeps one row per key, merging traits in event order", () => {
  const identify = (id: string, traits: Record<string, unknown>, minute: number) =>
    planOf(planEvent(enrichedEvent({
      event_id: id,
      type: "identify",
      event: "identify",
      user_id: "u1",
      traits,
    }, { at: `2026-03-01T12:0${minute}:00.000Z` })));
  const merged = mergePlans([
    identify("i1", { name: "Ada", plan: "free" }, 1),
    identify("i2", { plan: "pro" }, 2),
  ]);
  assert.equal(merged.users.length, 1);
  assert.deepEqual(merged.users[0]?.traits, { name: "Ada", plan: "pro" });
  assert.equal(merged.users[0]?.tier, "pro");
  assert.equal(merged.users[0]?.first_seen, "2026-03-01T12:01:00.000Z");
  assert.equal(merged.sessions.length, 1);
  assert.equal(merged.sessions[0]?.last_seen_at, "2026-03-01T12:02:00.000Z");
  assert.equal(merged.identities.length, 1);
  assert.equal(merged.businessEvents.length, 2);
});

Deno.test("mergePlans() merges a user's identifies in event-time order, not arrival order", () => {
  const identify = (id: string, traits: Record<string, unknown>, minute: number) =>
    planOf(planEvent(enrichedEvent({
      event_id: id,
      type: "identify",
      event: "identify",
      user_id: "u1",
      traits,
    }, { at: `2026-03-01T12:0${minute}:00.000Z` })));
  const merged = mergePlans([
    identify("late", { name: "Ada L", plan: "pro", country_code: "AT" }, 5),
    identify("early", { name: "Ada", plan: "free", country_code: "FR", company: "Acme" }, 1),
    identify("track-like", {}, 9),
  ]);
  assert.equal(merged.users.length, 1);
  assert.deepEqual(merged.users[0]?.traits, {
    name: "Ada L",
    plan: "pro",
    country_code: "AT",
    company: "Acme",
  });
  assert.equal(merged.users[0]?.tier, "pro");
  assert.equal(merged.users[0]?.country_code, "AT");
  // An identify without known traits says nothing about them, so it does not advance the clock.
  assert.equal(merged.users[0]?.traits_at, "2026-03-01T12:05:00.000Z");
});

Deno.test("mergePlans() lets the first event own an order id reused by a later event", () => {
  const purchase = (id: string, product: string) =>
    planOf(planEvent(enrichedEvent({
      event_id: id,
      event: "purchase",
      properties: { order_id: "o1", items: [{ product_id: product, price: 1 }] },
    })));
  const merged = mergePlans([purchase("e1", "p1"), purchase("e2", "p2")]);
  assert.deepEqual(merged.orders.map((o) => o.event_id), ["e1"]);
  assert.deepEqual(merged.orderItems.map((i) => i.product_id), ["p1"]);
});

Deno.test("planEvent() keeps a public key's purchase and refund out of PostgreSQL (#13, 4)", () => {
  const purchase = shopperSession("t_")[4]!;
  const refund = enrichedEvent({
    event_id: "r1",
    event: "order_refunded",
    properties: { order_id: "t_order1" },
  });
  for (const event of [purchase, refund]) {
    // Absent means public: messages written before ingest stamped the field.
    for (const kind of ["public", undefined] as const) {
      assert.deepEqual(planEvent({ ...event, source_kind: kind }), {
        kind: "drop",
        reason: PUBLIC_ORDER_EVENT,
      });
    }
    assert.equal(planEvent(event).kind, "ok", "a server key's event is planned");
  }
});

Deno.test("planEvent() takes no traits, tier or country from a public identify or signup (#13, 4)", () => {
  const identify = enrichedEvent({
    event_id: "i1",
    type: "identify",
    event: "identify",
    user_id: "u1",
    anonymous_id: "a1",
    traits: { tier: "gold", plan: "enterprise", country_code: "US", name: "Mallory" },
    source_kind: "public",
  });
  const plan = planOf(planEvent(identify));
  assert.deepEqual(plan.users.map((u) => [u.traits, u.traits_at, u.tier, u.country_code]), [
    [{}, null, null, null],
  ]);
  assert.deepEqual(plan.identities.map((i) => [i.anonymous_id, i.user_id]), [["a1", "u1"]]);
  // A web signup is still a signup (the brief's list keeps it), without its traits.
  const signup = planOf(planEvent({ ...shopperSession("t_")[5]!, source_kind: "public" }));
  assert.deepEqual(signup.signups.map((r) => r.user_id), ["t_user"]);
  assert.deepEqual(signup.users.map((u) => [u.traits, u.tier, u.signup_at]), [
    [{}, null, "2026-03-01T12:05:00.000Z"],
  ]);
  assert.deepEqual(signup.businessEvents.map((b) => b.event_id), ["t_e6"]);
  const server = planOf(planEvent({ ...identify, source_kind: "server" }));
  assert.deepEqual(server.users.map((u) => [u.tier, u.country_code]), [["gold", "US"]]);
});

Deno.test("planEvent() counts an identify's traits from no later than ingest received it (#13, 4)", () => {
  const future = enrichedEvent({
    event_id: "i-future",
    type: "identify",
    event: "identify",
    user_id: "u1",
    traits: { tier: "gold" },
    timestamp: "2099-01-01T00:00:00.000Z",
    received_at: "2026-03-01T12:00:00.000Z",
  });
  assert.equal(planOf(planEvent(future)).users[0]?.traits_at, "2026-03-01T12:00:00.000Z");
  assert.equal(
    traitTime({ timestamp: "2026-03-01T11:59:00.000Z", received_at: "2026-03-01T12:00:00.000Z" }),
    "2026-03-01T11:59:00.000Z",
  );
});
