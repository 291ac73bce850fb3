import assert from "node:assert/strict";
import { bigPurchase, enrichedEvent } from "../testing/fixtures.ts";
import { fieldValue, matches, matchingRules, satisfies, throttleKey } from "./match.ts";
import type { Condition, Rule } from "./rules.ts";

const at = (amount_base: number | null) =>
  enrichedEvent({
    revenue: { amount: amount_base ?? 80, currency: "USD", amount_base, base_currency: "USD" },
  });

Deno.test("big_purchase fires for 1,249 and not for 50, 1,000 or an unconverted amount", () => {
  const rule = bigPurchase();
  assert.equal(matches(rule, at(1249)), true);
  assert.equal(matches(rule, at(50)), false);
  assert.equal(matches(rule, at(1000)), false, "gt is strict");
  assert.equal(matches(rule, at(null)), false, "amount_base null (no rate) never compares");
  assert.equal(matches(rule, enrichedEvent({ revenue: null })), false);
  assert.equal(matches(rule, enrichedEvent({ event: "refund" })), false, "other event name");
});

Deno.test("when.event with a canonical name covers its aliases; an alias names only itself", () => {
  const purchase = bigPurchase({ when: { event: "purchase", where: [] } });
  const completed = bigPurchase({ when: { event: "order_completed", where: [] } });
  assert.equal(matches(purchase, enrichedEvent({ event: "order_completed" })), true);
  assert.equal(matches(purchase, enrichedEvent({ event: "checkout_completed" })), true);
  assert.equal(matches(purchase, enrichedEvent({ event: "order_refunded" })), false);
  assert.equal(matches(completed, enrichedEvent({ event: "order_completed" })), true);
  assert.equal(matches(completed, enrichedEvent({ event: "purchase" })), false);
});

Deno.test("when.event takes a list or * for every event", () => {
  const list = bigPurchase({ when: { event: ["signup", "purchase"], where: [] } });
  const any = bigPurchase({ when: { event: "*", where: [] } });
  assert.equal(matches(list, enrichedEvent({ event: "signup" })), true);
  assert.equal(matches(list, enrichedEvent({ event: "page_view" })), false);
  assert.equal(matches(any, enrichedEvent({ event: "page_view" })), true);
});

Deno.test("fieldValue() follows dot paths into properties and stops at missing parts", () => {
  const event = enrichedEvent({ properties: { plan: { name: "pro" }, tags: ["vip"] } });
  assert.equal(fieldValue(event, "properties.plan.name"), "pro");
  assert.equal(fieldValue(event, "geo.city"), "Moscow");
  assert.equal(fieldValue(event, "properties.plan.name.length"), undefined);
  assert.equal(fieldValue(event, "properties.missing.x"), undefined);
  assert.equal(fieldValue(event, "properties.tags.0"), undefined, "arrays are not indexed");
  assert.equal(fieldValue(event, "properties.constructor"), undefined, "own keys only");
});

Deno.test("satisfies() implements every operator", () => {
  const event = enrichedEvent({
    properties: { price: "1249.00", plan: "pro", tags: ["vip", "b2b"], note: "urgent order" },
  });
  const check = (condition: Condition) => satisfies(event, condition);
  assert.equal(
    check({ field: "properties.price", op: "gte", value: 1249 }),
    true,
    "numeric string",
  );
  assert.equal(check({ field: "properties.price", op: "lt", value: 1249 }), false);
  assert.equal(check({ field: "properties.price", op: "lte", value: 1249 }), true);
  assert.equal(check({ field: "properties.plan", op: "gt", value: 1 }), false, "not a number");
  assert.equal(check({ field: "properties.price", op: "eq", value: 1249 }), true);
  assert.equal(check({ field: "properties.plan", op: "eq", value: "pro" }), true);
  assert.equal(check({ field: "properties.plan", op: "neq", value: "pro" }), false);
  assert.equal(check({ field: "properties.absent", op: "neq", value: "pro" }), true);
  assert.equal(check({ field: "properties.absent", op: "eq", value: null }), false);
  assert.equal(check({ field: "user.signup_at", op: "eq", value: null }), false);
  assert.equal(check({ field: "device.device_model", op: "eq", value: null }), true);
  assert.equal(check({ field: "geo.country_code", op: "in", value: ["RU", "KZ"] }), true);
  assert.equal(check({ field: "geo.country_code", op: "in", value: ["DE"] }), false);
  assert.equal(check({ field: "properties.tags", op: "contains", value: "vip" }), true);
  assert.equal(check({ field: "properties.note", op: "contains", value: "urgent" }), true);
  assert.equal(check({ field: "properties.note", op: "contains", value: "calm" }), false);
});

Deno.test("matchingRules() returns every firing rule in file order", () => {
  const premium: Rule = bigPurchase({
    id: "premium_buyer",
    when: { event: "purchase", where: [{ field: "user.tier", op: "eq", value: "premium" }] },
  });
  assert.deepEqual(matchingRules([premium, bigPurchase()], at(1249)).map((r) => r.id), [
    "premium_buyer",
    "big_purchase",
  ]);
  assert.deepEqual(matchingRules([premium, bigPurchase()], at(50)).map((r) => r.id), [
    "premium_buyer",
  ]);
});

Deno.test("throttleKey() reads the perKey field; events without it share one bucket", () => {
  const rule = bigPurchase({ throttle: { perKey: "user_id", windowSeconds: 60 } });
  assert.equal(throttleKey(rule, enrichedEvent()), "user_789");
  assert.equal(throttleKey(rule, enrichedEvent({ user_id: null })), "(none)");
  assert.equal(throttleKey(bigPurchase(), enrichedEvent()), null);
});
