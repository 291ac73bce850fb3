import assert from "node:assert/strict";
import {
  aliasesOf,
  BUSINESS_CRITICAL_EVENTS,
  CANONICAL_EVENTS,
  canonicalEvent,
  EVENT_ALIASES,
  FUNNEL_STEPS,
  isBusinessCritical,
  namesOf,
  normalizeEventName,
} from "./vocabulary.ts";

Deno.test("normalizeEventName() turns title case, camelCase and kebab-case into snake_case", () => {
  assert.deepEqual(normalizeEventName("Add To Cart"), "add_to_cart");
  assert.deepEqual(normalizeEventName("addToCart"), "add_to_cart");
  assert.deepEqual(normalizeEventName("add-to-cart"), "add_to_cart");
  assert.deepEqual(normalizeEventName("ADD_TO_CART"), "add_to_cart");
  assert.deepEqual(normalizeEventName("Order Completed!"), "order_completed");
  assert.deepEqual(normalizeEventName("HTMLPageView"), "html_page_view");
  assert.deepEqual(normalizeEventName("$$"), "$$");
});

Deno.test("every alias maps back to its canonical event, and no name means two events", () => {
  const seen = new Map<string, string>();
  for (const canonical of CANONICAL_EVENTS) {
    for (const name of aliasesOf(canonical)) {
      assert.equal(canonicalEvent(name), canonical, `alias "${name}"`);
      assert.equal(seen.get(name), undefined, `"${name}" is listed under two canonical events`);
      seen.set(name, canonical);
    }
  }
  assert.equal(seen.size, namesOf(CANONICAL_EVENTS).length);
});

Deno.test("every name is already in normalized form, so stored events can carry it", () => {
  // A name that normalization rewrites (e.g. "Product Viewed") can never match a stored event.
  for (const name of namesOf(CANONICAL_EVENTS)) assert.equal(normalizeEventName(name), name);
});

Deno.test("canonicalEvent() reads names as sent and as stored; unknown names are null", () => {
  assert.equal(canonicalEvent("Product Viewed"), "product_view");
  assert.equal(canonicalEvent("product_viewed"), "product_view");
  assert.equal(canonicalEvent("Order Completed"), "purchase");
  assert.equal(canonicalEvent("user_signed_up"), "signup");
  assert.equal(canonicalEvent("userSignedUp"), "signup");
  assert.equal(canonicalEvent("review_submitted"), "review");
  assert.equal(canonicalEvent("newsletter_opened"), null);
  assert.equal(canonicalEvent(""), null);
});

Deno.test("aliasesOf() lists the canonical name first, then its aliases", () => {
  assert.deepEqual(aliasesOf("refund"), ["refund", "order_refunded"]);
  assert.deepEqual(aliasesOf("purchase"), ["purchase", "order_completed", "checkout_completed"]);
  assert.deepEqual(aliasesOf("identify"), ["identify"]);
  assert.deepEqual(Object.keys(EVENT_ALIASES).sort(), [...CANONICAL_EVENTS].sort());
});

Deno.test("isBusinessCritical() holds for every name of a critical event and none other", () => {
  for (const name of namesOf(BUSINESS_CRITICAL_EVENTS)) assert.ok(isBusinessCritical(name), name);
  assert.ok(isBusinessCritical("user_signed_up"));
  assert.ok(isBusinessCritical("Order Refunded"));
  assert.ok(!isBusinessCritical("page_view"));
  assert.ok(!isBusinessCritical("add_to_cart"));
  assert.ok(!isBusinessCritical("newsletter_opened"));
});

Deno.test("the funnel follows the product brief: visit, search, click, cart, purchase", () => {
  assert.deepEqual(FUNNEL_STEPS, [
    "page_view",
    "search",
    "product_click",
    "add_to_cart",
    "purchase",
  ]);
});
