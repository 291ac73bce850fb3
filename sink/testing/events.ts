/** Realistic enriched events for sink tests and the benchmark. */
import type { EnrichedEvent } from "../../shared/events/mod.ts";
import type { Batch } from "../../shared/kafka/mod.ts";

/** Options for {@link enrichedEvent}. */
export interface EventOptions {
  /** The event time, ISO (default 2026-03-01T12:00:00.000Z). */
  at?: string;
}

/**
 * A fully enriched event from a server-side source (its purchases, refunds and traits reach
 * PostgreSQL); `overrides` replace top-level fields, `source_kind: "public"` makes it a web key's.
 */
export function enrichedEvent(
  overrides: Partial<EnrichedEvent> & { event_id: string },
  opts: EventOptions = {},
): EnrichedEvent {
  const at = opts.at ?? "2026-03-01T12:00:00.000Z";
  return {
    schema_version: 1,
    type: "track",
    event: "page_view",
    original_event: "Page View",
    user_id: null,
    anonymous_id: "anon-1",
    session_id: "sess-1",
    session_derived: false,
    group_id: null,
    previous_id: null,
    properties: {},
    traits: {},
    context: { locale: "en-US" },
    platform: "web",
    url: "https://shop.example.com/",
    referrer: "https://www.google.com/",
    timestamp: at,
    client_timestamp: at,
    sent_at: at,
    received_at: at,
    timestamp_clamped: false,
    ip: "203.0.113.0",
    user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
    source_id: "src-web",
    source_kind: "server",
    format: "eventflow",
    geo: {
      country_code: "DE",
      country: "Germany",
      region: "Berlin",
      city: "Berlin",
      timezone: "Europe/Berlin",
      latitude: 52.52,
      longitude: 13.405,
    },
    device: {
      browser: "Firefox",
      browser_version: "128.0",
      os: "Linux",
      os_version: null,
      device_type: "desktop",
      device_vendor: null,
      device_model: null,
      is_bot: false,
    },
    user: { tier: null, signup_at: null, country_code: null, identity_resolved: false },
    product: { product_id: null, name: null, category: null, price: null, currency: null },
    marketing: {
      utm_source: "google",
      utm_medium: "cpc",
      utm_campaign: "spring_sale",
      utm_term: null,
      utm_content: null,
      click_id_type: "gclid",
      click_id: "abc123",
      channel: "paid",
      referrer_source: "Google",
      referrer_host: "www.google.com",
      campaigns: ["Spring Sale"],
    },
    revenue: null,
    enrichment_errors: [],
    enriched_at: at,
    ...overrides,
  };
}

/**
 * One shopper's session: page_view, search, product_click, add_to_cart, purchase of two items,
 * signup and review, ids prefixed with `prefix` so a test can find and delete its rows.
 */
export function shopperSession(prefix: string): EnrichedEvent[] {
  const user = `${prefix}user`;
  const anon = `${prefix}anon`;
  const session = `${prefix}sess`;
  const base = { anonymous_id: anon, session_id: session };
  const at = (minute: number) => `2026-03-01T12:${String(minute).padStart(2, "0")}:00.000Z`;
  const product = (id: string, name: string, price: number) => ({
    product_id: `${prefix}${id}`,
    name,
    category: "Shoes",
    price,
    currency: "EUR",
  });
  return [
    enrichedEvent({ ...base, event_id: `${prefix}e1`, type: "page", event: "page_view" }, {
      at: at(0),
    }),
    enrichedEvent({
      ...base,
      event_id: `${prefix}e2`,
      event: "search",
      original_event: "Search",
      properties: { query: "running shoes" },
    }, { at: at(1) }),
    enrichedEvent({
      ...base,
      event_id: `${prefix}e3`,
      event: "product_click",
      original_event: "Product Click",
      properties: { product_id: `${prefix}p1` },
      product: product("p1", "Trail Runner", 89.9),
    }, { at: at(2) }),
    enrichedEvent({
      ...base,
      event_id: `${prefix}e4`,
      event: "add_to_cart",
      original_event: "Add To Cart",
      properties: { product_id: `${prefix}p1`, quantity: 1 },
      product: product("p1", "Trail Runner", 89.9),
    }, { at: at(3) }),
    enrichedEvent({
      ...base,
      event_id: `${prefix}e5`,
      user_id: user,
      event: "purchase",
      original_event: "Purchase",
      properties: {
        order_id: `${prefix}order1`,
        currency: "EUR",
        items: [
          { product_id: `${prefix}p1`, quantity: 1, price: 89.9, name: "Trail Runner" },
          { product_id: `${prefix}p2`, quantity: 2, price: 12.5, name: "Running Socks" },
        ],
      },
      revenue: { amount: 114.9, currency: "EUR", amount_base: 124.09, base_currency: "USD" },
    }, { at: at(4) }),
    enrichedEvent({
      ...base,
      event_id: `${prefix}e6`,
      user_id: user,
      event: "signup",
      original_event: "Signup",
      properties: { method: "email" },
      traits: { email: "***", plan: "free" },
    }, { at: at(5) }),
    enrichedEvent({
      ...base,
      event_id: `${prefix}e7`,
      user_id: user,
      event: "review",
      original_event: "Review",
      properties: { product_id: `${prefix}p1`, rating: 5, body: "Great grip" },
      product: product("p1", "Trail Runner", 89.9),
    }, { at: at(6) }),
  ];
}

/**
 * The `i`-th event of a realistic stream for the benchmarks: 1 in 10 a purchase with an order
 * line and revenue, the rest page views, over `users` users (default 5,000) and twice as many
 * sessions, one second apart from 2026-03-01 (or all at `at`); ids start with `prefix`.
 */
export function streamEvent(
  i: number,
  opts: { prefix?: string; users?: number; at?: string; platform?: string } = {},
): EnrichedEvent {
  const prefix = opts.prefix ?? "";
  const users = opts.users ?? 5000;
  const purchase = i % 10 === 0;
  return enrichedEvent({
    event_id: `${prefix}${i}`,
    event: purchase ? "purchase" : "page_view",
    user_id: `${prefix}u${i % users}`,
    anonymous_id: `${prefix}a${i % users}`,
    session_id: `${prefix}s${i % (users * 2)}`,
    platform: opts.platform ?? "web",
    properties: {
      order_id: `${prefix}o${i}`,
      items: [{ product_id: `${prefix}p${i % 300}`, quantity: 1, price: 19.9, name: "Shirt" }],
    },
    context: {
      locale: "en-US",
      page: {
        path: `/p/${i % 500}`,
        title: "Product page",
        url: `https://shop.example.com/p/${i}`,
      },
      library: { name: "eventflow.js", version: "1.4.0" },
    },
    revenue: purchase
      ? { amount: 29.9, currency: "EUR", amount_base: 32.1, base_currency: "USD" }
      : null,
  }, { at: opts.at ?? new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString() });
}

/** `events` as one Kafka batch of `topic` partition 0, offsets from `firstOffset` (default 0). */
export function batchOf(
  events: readonly EnrichedEvent[],
  opts: { topic?: string; firstOffset?: number } = {},
): Batch {
  const topic = opts.topic ?? "enriched_events";
  const first = opts.firstOffset ?? 0;
  return {
    topic,
    partition: 0,
    lastOffset: String(first + events.length - 1),
    messages: events.map((event, i) => ({
      topic,
      partition: 0,
      offset: String(first + i),
      key: event.user_id ?? event.anonymous_id,
      value: new TextEncoder().encode(JSON.stringify(event)),
      headers: {},
      timestamp: "0",
    })),
  };
}
