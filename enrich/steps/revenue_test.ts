import assert from "node:assert/strict";
import { draft } from "../testing/events.ts";
import { amountOf, revenueStep } from "./revenue.ts";

const rates = { current: () => new Map([["EUR", 1.08]]) };

Deno.test("revenueStep() converts the amount to USD and keeps the original", async () => {
  const { patch } = await revenueStep(rates).run(
    draft({ properties: { total: 100, currency: "eur" } }),
  );
  assert.deepEqual(patch.revenue, {
    amount: 100,
    currency: "EUR",
    amount_base: 108,
    base_currency: "USD",
  });
});

Deno.test("revenueStep() prefers revenue over total over price and defaults to USD", async () => {
  const { patch } = await revenueStep(rates).run(
    draft({ properties: { revenue: 5, total: 7, price: 9 } }),
  );
  assert.deepEqual(patch.revenue, {
    amount: 5,
    currency: "USD",
    amount_base: 5,
    base_currency: "USD",
  });
  const none = await revenueStep(rates).run(draft({ properties: { price: "abc" } }));
  assert.deepEqual(none.patch, {});
});

Deno.test("revenueStep() reports an unknown currency and leaves amount_base null", async () => {
  const result = await revenueStep(rates).run(draft({ properties: { price: 3, currency: "XYZ" } }));
  assert.deepEqual(result.patch.revenue?.amount_base, null);
  assert.deepEqual(result.error, 'No exchange rate for currency "XYZ"');
});

Deno.test("amountOf() sums item lines when an order has no revenue, total or price", () => {
  assert.equal(
    amountOf({
      order_id: "789",
      items: [{ product_id: "123", price: 199.99, quantity: 2 }, { product_id: "9", price: 5 }],
    }),
    404.98,
  );
  assert.equal(amountOf({ products: [{ price: 10, quantity: 3 }] }), 30);
  assert.equal(amountOf({ total: 50, items: [{ price: 10 }] }), 50, "total wins over items");
  assert.equal(amountOf({ items: [{ price: 10 }, { sku: "no price" }] }), null);
  assert.equal(amountOf({ items: [] }), null);
});
