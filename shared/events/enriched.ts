/**
 * The enriched-event wire contract: what enrich writes to the `enriched_events` topic.
 *
 * It is the raw event with identity resolved, the name normalized, PII masked, and one object
 * per enrichment step. A step that could not run leaves its fields null and records why in
 * `enrichment_errors`; events are never dropped for a failed enrichment.
 */
import { z } from "zod";
import { RawEventSchema } from "./raw.ts";

/** The version of the enriched-event contract written by this code. */
export const ENRICHED_SCHEMA_VERSION = 1;

const str = z.string().nullable();
const num = z.number().nullable();

/** Geo location from the client IP. */
export const GeoSchema = z.object({
  country_code: str,
  country: str,
  region: str,
  city: str,
  timezone: str,
  latitude: num,
  longitude: num,
});

/** Browser, OS and device from the user agent. */
export const DeviceSchema = z.object({
  browser: str,
  browser_version: str,
  os: str,
  os_version: str,
  /** desktop, mobile, tablet, smarttv, wearable, console, embedded, bot. */
  device_type: str,
  device_vendor: str,
  device_model: str,
  is_bot: z.boolean(),
});

/** Profile of a known user from PostgreSQL. */
export const UserProfileSchema = z.object({
  /** e.g. free, premium. */
  tier: str,
  signup_at: str,
  country_code: str,
  /** True when the user id was resolved from an earlier identify/signup of the anonymous id. */
  identity_resolved: z.boolean(),
});

/** The product an event names, from the products table. */
export const ProductSchema = z.object({
  product_id: str,
  name: str,
  category: str,
  price: num,
  currency: str,
});

/** Acquisition context: UTM parameters, click ids, channel and active campaigns. */
export const MarketingSchema = z.object({
  utm_source: str,
  utm_medium: str,
  utm_campaign: str,
  utm_term: str,
  utm_content: str,
  /** Which click id was present: gclid, yclid, fbclid, msclkid, ttclid, dclid. */
  click_id_type: str,
  click_id: str,
  /** search, social, email, paid, direct, referral, internal. */
  channel: z.string(),
  /** Where the visit came from, e.g. Google Ads, Yandex.Direct, Google, Facebook. */
  referrer_source: str,
  referrer_host: str,
  /** Names of the campaigns active at the event time that match it. */
  campaigns: z.array(z.string()),
});

/** Money on the event, normalized to the base currency. */
export const RevenueSchema = z.object({
  amount: z.number(),
  currency: z.string(),
  amount_base: num,
  base_currency: z.string(),
});

/** Why an enrichment step could not do its job for this event. */
export const EnrichmentErrorSchema = z.object({ step: z.string(), reason: z.string() });

/** Zod schema of an enriched event as carried in Kafka. */
export const EnrichedEventSchema = RawEventSchema.extend({
  schema_version: z.literal(ENRICHED_SCHEMA_VERSION),
  /** Normalized event name (snake_case); the client's name is in `original_event`. */
  event: z.string().min(1).max(200),
  original_event: z.string().min(1).max(200),
  /** The session id after enrichment: the client's, or derived (30 min of inactivity). */
  session_id: z.string().min(1),
  session_derived: z.boolean(),
  /** IP truncated according to the privacy policy, after the geo lookup. */
  ip: str,
  geo: GeoSchema,
  device: DeviceSchema,
  user: UserProfileSchema,
  product: ProductSchema,
  marketing: MarketingSchema,
  revenue: RevenueSchema.nullable(),
  enrichment_errors: z.array(EnrichmentErrorSchema),
  enriched_at: z.iso.datetime({ offset: true }),
});

/** An enriched event as carried in Kafka. */
export type EnrichedEvent = z.infer<typeof EnrichedEventSchema>;

/**
 * True when the event came with a server-side write key. Public keys (web, mobile) can be read
 * by anyone, so their events count as analytics only; `source_kind` absent means public.
 */
export function isServerSource(event: Pick<EnrichedEvent, "source_kind">): boolean {
  return event.source_kind === "server";
}

/** The enrichment objects of an enriched event, apart from the raw fields and envelope. */
export type Enrichment = Pick<
  EnrichedEvent,
  "geo" | "device" | "user" | "product" | "marketing" | "revenue" | "enrichment_errors"
>;

/**
 * Every enrichment before any step ran: all nulls, no bot, channel `direct`, no errors. Fresh
 * objects on each call, so a caller may change them.
 */
export function emptyEnrichment(): Enrichment {
  return {
    geo: {
      country_code: null,
      country: null,
      region: null,
      city: null,
      timezone: null,
      latitude: null,
      longitude: null,
    },
    device: {
      browser: null,
      browser_version: null,
      os: null,
      os_version: null,
      device_type: null,
      device_vendor: null,
      device_model: null,
      is_bot: false,
    },
    user: { tier: null, signup_at: null, country_code: null, identity_resolved: false },
    product: { product_id: null, name: null, category: null, price: null, currency: null },
    marketing: {
      utm_source: null,
      utm_medium: null,
      utm_campaign: null,
      utm_term: null,
      utm_content: null,
      click_id_type: null,
      click_id: null,
      channel: "direct",
      referrer_source: null,
      referrer_host: null,
      campaigns: [],
    },
    revenue: null,
    enrichment_errors: [],
  };
}
/** See {@link GeoSchema}. */
export type Geo = z.infer<typeof GeoSchema>;
/** See {@link DeviceSchema}. */
export type Device = z.infer<typeof DeviceSchema>;
/** See {@link UserProfileSchema}. */
export type UserProfile = z.infer<typeof UserProfileSchema>;
/** See {@link ProductSchema}. */
export type Product = z.infer<typeof ProductSchema>;
/** See {@link MarketingSchema}. */
export type Marketing = z.infer<typeof MarketingSchema>;
/** See {@link RevenueSchema}. */
export type Revenue = z.infer<typeof RevenueSchema>;
