import { assertEquals } from "../_test_util.ts";
import { draft } from "../_fixtures.ts";
import { coerceNumber, normalizeStep, snakeCase, toUtc } from "./normalize.ts";

Deno.test("snakeCase() turns title case, camelCase and kebab-case into snake_case", () => {
  assertEquals(snakeCase("Add To Cart"), "add_to_cart");
  assertEquals(snakeCase("addToCart"), "add_to_cart");
  assertEquals(snakeCase("add-to-cart"), "add_to_cart");
  assertEquals(snakeCase("ADD_TO_CART"), "add_to_cart");
  assertEquals(snakeCase("Order Completed!"), "order_completed");
  assertEquals(snakeCase("HTMLPageView"), "html_page_view");
  assertEquals(snakeCase("$$"), "$$");
});

Deno.test("toUtc() rewrites an offset timestamp as the same instant in UTC", () => {
  assertEquals(toUtc("2026-04-10T14:00:00+02:00"), "2026-04-10T12:00:00.000Z");
});

Deno.test("coerceNumber() converts numeric strings only", () => {
  assertEquals(coerceNumber("199.00"), 199);
  assertEquals(coerceNumber(" 3 "), 3);
  assertEquals(coerceNumber("1e3"), 1000);
  assertEquals(coerceNumber("12abc"), "12abc");
  assertEquals(coerceNumber(""), "");
  assertEquals(coerceNumber(null), null);
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
  assertEquals(patch.event, "add_to_cart");
  assertEquals(event.original_event, "addToCart");
  assertEquals(patch.timestamp, "2026-04-10T12:00:00.000Z");
  assertEquals(patch.properties, {
    price: 19.99,
    quantity: 2,
    sku: "0042",
    items: [{ price: 5, rating: 4 }],
  });
});
