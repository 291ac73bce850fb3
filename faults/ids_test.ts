import assert from "node:assert/strict";
import { createShop, type ShopEvent } from "../bench/loadgen/model/mod.ts";
import { expectedRows, isolateEvent } from "./ids.ts";

function firstOf(type: string): ShopEvent {
  const shop = createShop({ seed: 7, rates: { signup: 0.5, funnel: { purchase: 0.9 } } });
  for (let i = 0; i < 50_000; i++) {
    const event = shop.next(Date.parse("2026-01-01T00:00:00Z"));
    if (event.event_type === type) return event;
  }
  throw new Error(`No ${type} in 50 000 events`);
}

Deno.test("isolateEvent() prefixes every id the stores key rows by, items included", () => {
  const purchase = isolateEvent(firstOf("purchase"), "test_f_");
  assert.ok(purchase.event_id.startsWith("test_f_"));
  assert.ok(purchase.anonymous_id.startsWith("test_f_"));
  assert.ok(purchase.session_id.startsWith("test_f_"));
  assert.ok(purchase.user_id === null || purchase.user_id.startsWith("test_f_"));
  assert.match(String(purchase.event_data.order_id), /^test_f_GS-/);
  const items = purchase.event_data.items as { product_id: string }[];
  assert.ok(items.length > 0);
  assert.ok(items.every((i) => i.product_id.startsWith("test_f_prod_")), JSON.stringify(items));
});

Deno.test("expectedRows() asks for an order and its lines per purchase, a row per signup", () => {
  const purchase = isolateEvent(firstOf("purchase"), "p_");
  const rows = expectedRows(purchase);
  const orderId = String(purchase.event_data.order_id);
  const lines = (purchase.event_data.items as unknown[]).map((_, i) => `${orderId}#${i + 1}`);
  assert.deepEqual(rows, {
    clickhouse: [purchase.event_id],
    orders: [purchase.event_id],
    order_items: lines,
    signups: [],
  });
  const signup = isolateEvent(firstOf("signup"), "p_");
  assert.deepEqual(expectedRows(signup).signups, [signup.event_id]);
  const view = isolateEvent(firstOf("page_view"), "p_");
  assert.deepEqual(expectedRows(view), {
    clickhouse: [view.event_id],
    orders: [],
    order_items: [],
    signups: [],
  });
});
