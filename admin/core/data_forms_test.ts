import assert from "node:assert/strict";
import { parseCampaignForm, parseProductForm, parseRateForm } from "./data_forms.ts";

Deno.test("parseCampaignForm() reads whole days in the zone, the end day included", () => {
  const c = parseCampaignForm({
    campaign_id: "spring-26",
    name: " Spring sale ",
    utm_campaign: "spring",
    channel: "",
    starts_on: "2026-03-01",
    ends_on: "2026-03-31",
  }, "Europe/Moscow");
  assert.equal(c.name, "Spring sale");
  assert.equal(c.channel, null);
  assert.equal(c.starts_at.toISOString(), "2026-02-28T21:00:00.000Z");
  assert.equal(c.ends_at.toISOString(), "2026-03-31T21:00:00.000Z");
});

Deno.test("the data forms name the bad field", () => {
  const base = { campaign_id: "x", name: "X", starts_on: "2026-03-02", ends_on: "2026-03-01" };
  assert.throws(() => parseCampaignForm(base, "UTC"), /Field "ends_on" must not be before/);
  assert.throws(
    () => parseCampaignForm({ ...base, campaign_id: "has space" }, "UTC"),
    /Field "campaign_id" must be letters/,
  );
  assert.throws(() => parseCampaignForm({ ...base, name: "" }, "UTC"), /Field "name" is required/);
  assert.throws(
    () => parseProductForm({ product_id: "p1", name: "P", price: "-3", currency: "USD" }),
    /Field "price" must be a non-negative number, got "-3"/,
  );
  assert.throws(
    () => parseProductForm({ product_id: "p1", name: "P", price: "3", currency: "dollars" }),
    /Field "currency" must be a 3-letter currency code/,
  );
  assert.throws(
    () => parseRateForm({ currency: "EUR", rate_to_base: "0" }),
    /Field "rate_to_base" must be a positive number/,
  );
  assert.deepEqual(parseRateForm({ currency: "rub", rate_to_base: "0,0109" }), {
    currency: "RUB",
    rate_to_base: 0.0109,
  });
});
