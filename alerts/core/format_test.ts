import assert from "node:assert/strict";
import { bigPurchase, enrichedEvent } from "../testing/fixtures.ts";
import { alertId, alertText, formatMoney, renderTemplate, webhookBody } from "./format.ts";

Deno.test("alertText() writes the brief's purchase message", () => {
  const event = enrichedEvent();
  assert.equal(
    alertText({ rule: bigPurchase(), event }),
    "💰 Purchase $1,249.00 by user_789 (premium, Moscow) — order 789",
  );
});

Deno.test("alertText() leaves out what the event does not know", () => {
  const event = enrichedEvent({
    event: "add_to_cart",
    user_id: null,
    properties: {},
    user: { tier: null, signup_at: null, country_code: null, identity_resolved: false },
    revenue: { amount: 99_000, currency: "RUB", amount_base: null, base_currency: "USD" },
  });
  assert.equal(
    alertText({ rule: bigPurchase(), event }),
    "🔔 Add to cart RUB 99,000.00 by anon_1 (Moscow)",
  );
});

Deno.test("a rule's message template fills dot paths and {money}", () => {
  const rule = bigPurchase({ message: "{money} from {geo.city} on {properties.order_id}{nope}" });
  assert.equal(alertText({ rule, event: enrichedEvent() }), "$1,249.00 from Moscow on 789");
  assert.equal(renderTemplate("{properties}", enrichedEvent({ properties: { a: 1 } })), '{"a":1}');
});

Deno.test("formatMoney() formats known currencies and falls back for unknown codes", () => {
  assert.equal(formatMoney(1249, "USD"), "$1,249.00");
  assert.equal(formatMoney(1249.5, "EUR"), "€1,249.50");
  assert.equal(formatMoney(1249, "not-a-code"), "1,249.00 not-a-code");
});

Deno.test("webhookBody() carries the alert id, the rule, the text and the whole event", () => {
  const event = enrichedEvent();
  const alert = { rule: bigPurchase(), event };
  const body = JSON.parse(webhookBody(alert, new Date("2026-04-10T12:00:02Z")));
  assert.equal(alertId(alert), `${event.event_id}:big_purchase`);
  assert.deepEqual(body, {
    schema_version: 1,
    alert_id: `${event.event_id}:big_purchase`,
    rule: {
      id: "big_purchase",
      description: "A purchase worth more than 1,000 in the base currency",
    },
    triggered_at: "2026-04-10T12:00:02.000Z",
    text: "💰 Purchase $1,249.00 by user_789 (premium, Moscow) — order 789",
    event,
  });
});

Deno.test("alertText() gives every name of a purchase or signup its emoji", () => {
  const text = (event: string) =>
    alertText({ rule: bigPurchase(), event: enrichedEvent({ event }) });
  assert.match(text("checkout_completed"), /^💰 Checkout completed /);
  assert.match(text("user_signed_up"), /^🎉 User signed up /);
  assert.match(text("order_refunded"), /^↩️ Order refunded /);
  assert.match(text("newsletter_opened"), /^🔔 Newsletter opened /);
});
