import assert from "node:assert/strict";
import { normalizeEventName } from "../../shared/events/mod.ts";
import { resolvePeriod } from "../core/period.ts";
import { farFutureNow, randomPrefix, removeWorld } from "../testing/seed.ts";
import { openTestStores } from "../testing/stores.ts";
import { PRODUCT_VIEW_EVENTS, productViews } from "./ch_traffic.ts";

Deno.test("productViews() counts a product view under each name tracking plans send", async () => {
  await using stores = await openTestStores();
  const prefix = randomPrefix();
  const now = farFutureNow();
  const product = `${prefix}phone`;
  const at = new Date(now.getTime() - 3_600_000).toISOString();
  // Names as clients send them; enrich stores them normalized ("Product Viewed" → product_viewed).
  const sent = ["Product Viewed", "view_item", "productView", "Add To Cart", "Product Clicked"];
  const values = sent.map((name, n) => ({
    event_id: `${prefix}ev_${n}`,
    event: normalizeEventName(name),
    original_event: name,
    type: "track",
    timestamp: at,
    received_at: at,
    enriched_at: at,
    user_id: `${prefix}user_${n}`,
    product_id: product,
    is_bot: false,
  }));
  try {
    await stores.ch.insert({ table: "events", values, format: "JSONEachRow" });
    const views = await productViews(stores.ch, resolvePeriod("today", now), [product]);
    assert.deepEqual(Object.fromEntries(views), { [product]: { views: 3, viewers: 3 } });
    assert.ok(!PRODUCT_VIEW_EVENTS.includes("Product Viewed"));
  } finally {
    await removeWorld(stores, { prefix, now });
  }
});
