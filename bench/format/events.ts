/**
 * Real event shapes for the format measurement: the enrich bench's raw events (add-to-cart with
 * product, price, masked email, varied IPs and visitors) plus identify and page calls with traits
 * and Segment-style context, and their enriched form from enrich's own steps (geo from the DB-IP
 * file, device, marketing, revenue, privacy) with the profile and product a lookup returns.
 * @module
 */
import type { EnrichedEvent, RawEvent } from "../../shared/events/mod.ts";
import { openMmdbGeo } from "../../enrich/adapters/mmdb.ts";
import { deviceStep } from "../../enrich/steps/device.ts";
import { geoStep } from "../../enrich/steps/geo.ts";
import { marketingStep } from "../../enrich/steps/marketing.ts";
import { normalizeStep } from "../../enrich/steps/normalize.ts";
import { createPipeline } from "../../enrich/steps/pipeline.ts";
import { privacyStep } from "../../enrich/steps/privacy.ts";
import { revenueStep } from "../../enrich/steps/revenue.ts";
import { rawEvent } from "../../enrich/testing/events.ts";
import { benchEvents } from "../enrich/_events.ts";

/**
 * `total` raw events: four in five add-to-cart, then identify and page calls in turn, each stamped
 * with its key's kind as ingest stamps every event.
 */
export function sampleRawEvents(total: number): RawEvent[] {
  return unstampedRawEvents(total).map((event) => ({ ...event, source_kind: "public" as const }));
}

function unstampedRawEvents(total: number): RawEvent[] {
  const carts = benchEvents(total, Math.max(1, Math.floor(total / 4)));
  return carts.map((event, i) => {
    if (i % 10 === 8) {
      return rawEvent({
        ...event,
        type: "identify",
        event: "identify",
        properties: {},
        traits: { email: `user${i}@example.com`, plan: "pro", name: `User ${i}`, age: 30 + i % 40 },
      });
    }
    if (i % 10 === 9) {
      return rawEvent({
        ...event,
        type: "page",
        event: "page_view",
        properties: { title: "Spring sale", path: "/sale" },
        context: {
          page: { path: "/sale", title: "Spring sale", url: "https://shop.example.com/sale" },
          locale: "de-DE",
          library: { name: "analytics.js", version: "4.1.0" },
          campaign: { source: "newsletter", medium: "email", name: "spring_sale" },
        },
        referrer: "https://www.google.com/",
      });
    }
    return event;
  });
}

/** The enriched form of `events`, through enrich's pure steps and the local geo database. */
export async function enrichSamples(events: RawEvent[]): Promise<EnrichedEvent[]> {
  const geo = await openMmdbGeo();
  const pipeline = createPipeline([
    normalizeStep(),
    {
      name: "lookups",
      run: (event) => ({
        patch: {
          user: {
            tier: event.user_id === null ? null : "premium",
            signup_at: event.user_id === null ? null : "2025-11-02T09:30:00.000Z",
            country_code: event.user_id === null ? null : "DE",
            identity_resolved: false,
          },
          product: {
            product_id: "123",
            name: "Wireless headphones",
            category: "Audio",
            price: 199,
            currency: "EUR",
          },
          session_id: `sess_${event.anonymous_id ?? event.event_id}`,
        },
      }),
    },
    geoStep(geo),
    deviceStep(),
    marketingStep({
      current: () => [{
        name: "Spring sale",
        utm_campaign: "spring_sale",
        channel: null,
        starts_at: 0,
        ends_at: Infinity,
      }],
    }),
    revenueStep({ current: () => new Map([["EUR", 1.08]]) }),
    privacyStep(),
  ]);
  return await Promise.all(events.map((event) => pipeline(event)));
}
