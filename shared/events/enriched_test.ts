import assert from "node:assert/strict";
import { emptyEnrichment, EnrichedEventSchema, isServerSource } from "./enriched.ts";

Deno.test("emptyEnrichment() is all nulls, channel direct, no bot, no errors, and passes the schema", () => {
  const empty = emptyEnrichment();
  assert.deepEqual(empty.geo, {
    country_code: null,
    country: null,
    region: null,
    city: null,
    timezone: null,
    latitude: null,
    longitude: null,
  });
  assert.equal(empty.device.is_bot, false);
  assert.equal(Object.values(empty.device).filter((v) => v !== null).length, 1);
  assert.deepEqual(empty.user, {
    tier: null,
    signup_at: null,
    country_code: null,
    identity_resolved: false,
  });
  assert.ok(Object.values(empty.product).every((v) => v === null));
  assert.equal(empty.marketing.channel, "direct");
  assert.deepEqual(empty.marketing.campaigns, []);
  assert.equal(empty.revenue, null);
  assert.deepEqual(empty.enrichment_errors, []);
  const shape = EnrichedEventSchema.pick({
    geo: true,
    device: true,
    user: true,
    product: true,
    marketing: true,
    revenue: true,
    enrichment_errors: true,
  });
  assert.deepEqual(shape.parse(empty), empty);
});

Deno.test("emptyEnrichment() returns new objects each call, so one event's steps cannot leak into the next", () => {
  const first = emptyEnrichment();
  first.geo.country = "Germany";
  first.marketing.campaigns.push("Spring sale");
  first.enrichment_errors.push({ step: "geo", reason: "x" });
  const second = emptyEnrichment();
  assert.equal(second.geo.country, null);
  assert.deepEqual(second.marketing.campaigns, []);
  assert.deepEqual(second.enrichment_errors, []);
});

Deno.test("source_kind survives the enriched schema; absent or public is not a server source", () => {
  const shape = EnrichedEventSchema.pick({ source_kind: true });
  assert.deepEqual(shape.parse({ source_kind: "server" }), { source_kind: "server" });
  assert.deepEqual(shape.parse({}), {});
  assert.equal(shape.safeParse({ source_kind: "admin" }).success, false);
  assert.equal(isServerSource({ source_kind: "server" }), true);
  assert.equal(isServerSource({ source_kind: "public" }), false);
  assert.equal(isServerSource({}), false, "messages from before the field existed are public");
});
