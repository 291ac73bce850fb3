import assert from "node:assert/strict";
import { draft } from "../testing/events.ts";
import { coerceNumber, normalizeStep, toUtc } from "./normalize.ts";

Deno.test("toUtc() rewrites an offset timestamp as the same instant in UTC", () => {
  assert.deepEqual(toUtc("2026-04-10T14:00:00+02:00"), "2026-04-10T12:00:00.000Z");
});

Deno.test("coerceNumber() converts numeric strings only", () => {
  assert.deepEqual(coerceNumber("199.00"), 199);
  assert.deepEqual(coerceNumber(" 3 "), 3);
  assert.deepEqual(coerceNumber("1e3"), 1000);
  assert.deepEqual(coerceNumber("12abc"), "12abc");
  assert.deepEqual(coerceNumber(""), "");
  assert.deepEqual(coerceNumber(null), null);
});

Deno.test("normalizeStep() keeps the original name and coerces price, quantity and items", () => {
  const event = draft({
    event: "addToCart",
    timestamp: "2026-04-10T14:00:00+02:00",
    properties: {
      price: "19.99",
      quantity: "2",
      sku: "0042",
      items: [{ price: "5", rating: "4" }],
    },
  });
  const { patch } = normalizeStep().run(event) as { patch: Record<string, unknown> };
  assert.deepEqual(patch.event, "add_to_cart");
  assert.deepEqual(event.original_event, "addToCart");
  assert.deepEqual(patch.timestamp, "2026-04-10T12:00:00.000Z");
  assert.deepEqual(patch.properties, {
    price: 19.99,
    quantity: 2,
    sku: "0042",
    items: [{ price: 5, rating: 4 }],
  });
});
