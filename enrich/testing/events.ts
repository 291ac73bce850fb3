/** Test data builders for enrich's tests. */
import type { EnrichedEvent, RawEvent } from "../../shared/events/mod.ts";
import { initialEvent } from "../steps/pipeline.ts";

/** The iPhone Chrome user agent of the brief's example. */
export const IPHONE_CHROME_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1";

/** A valid raw event: the brief's add-to-cart example, with `overrides` applied. */
export function rawEvent(overrides: Partial<RawEvent> = {}): RawEvent {
  return {
    schema_version: 1,
    event_id: crypto.randomUUID(),
    type: "track",
    event: "Add To Cart",
    user_id: "user_789",
    anonymous_id: "anon_1",
    session_id: null,
    group_id: null,
    previous_id: null,
    properties: { product_id: "123", price: "199.00", quantity: "1", currency: "USD" },
    traits: {},
    context: {},
    platform: "web",
    url:
      "https://shop.example.com/p/123?utm_source=newsletter&utm_medium=email&utm_campaign=spring_sale",
    referrer: null,
    timestamp: "2026-04-10T12:00:00.000Z",
    client_timestamp: "2026-04-10T12:00:00.000Z",
    sent_at: null,
    received_at: "2026-04-10T12:00:01.000Z",
    timestamp_clamped: false,
    ip: "85.214.132.64",
    user_agent: IPHONE_CHROME_UA,
    source_id: "src_web",
    format: "eventflow",
    ...overrides,
  };
}

/** The enriched event before any step, from {@link rawEvent}. */
export function draft(overrides: Partial<RawEvent> = {}): EnrichedEvent {
  return initialEvent(rawEvent(overrides), new Date("2026-04-10T12:00:02.000Z"));
}
