import assert from "node:assert/strict";
import { eventIn, FUNNEL, PURCHASE } from "./business_analytics.ts";

Deno.test("business dashboard: purchase and funnel lists are the vocabulary's names", () => {
  assert.equal(PURCHASE, "event IN ('purchase', 'order_completed', 'checkout_completed')");
  assert.equal(FUNNEL.cart, "event IN ('add_to_cart', 'product_added')");
  // The brief's own product_view name counts as a view (the hand-written list had missed it).
  assert.match(FUNNEL.view, /'product_view', 'product_viewed', 'view_item'/);
  assert.match(FUNNEL.view, /^\(type IN \('page', 'screen'\) OR event IN \('page_view', /);
});

Deno.test("eventIn() refuses a name that is not in stored (normalized) form", () => {
  assert.throws(
    () => eventIn(["Product Viewed"]),
    /Event name "Product Viewed" is not a normalized name/,
  );
  assert.throws(() => eventIn(["x') OR 1=1 --"]), /is not a normalized name/);
});
