import assert from "node:assert/strict";
import { MASK, maskPayload } from "./mask_payload.ts";

Deno.test("maskPayload() hides personal fields at any depth and keeps the rest", () => {
  const payload = JSON.stringify({
    event_id: "e1",
    event_type: "signup",
    product_name: "Phone X",
    traits: { email: "jane@example.com", phone: "+7 916 123-45-67", first_name: "Jane" },
    context: { ip: "203.0.113.9", page: { url: "/p?ref=jane@example.com" } },
    event_data: { price: 199.99, items: [{ card_number: "4111111111111111" }] },
  });
  const shown = JSON.parse(maskPayload(payload));
  assert.equal(shown.event_id, "e1");
  assert.equal(shown.product_name, "Phone X");
  assert.equal(shown.traits.email, MASK);
  assert.equal(shown.traits.phone, MASK);
  assert.equal(shown.traits.first_name, MASK);
  assert.equal(shown.context.ip, MASK);
  assert.equal(shown.context.page.url, `/p?ref=${MASK}@example.com`);
  assert.equal(shown.event_data.price, 199.99);
  assert.equal(shown.event_data.items[0].card_number, MASK);
});

Deno.test("maskPayload() masks emails and long digit runs in text that is not JSON", () => {
  assert.equal(
    maskPayload("{broken jane@example.com +7 916 123 45 67 id 42"),
    `{broken ${MASK}@example.com ${MASK} id 42`,
  );
});
