/**
 * The loadgen shop model's events as ClickHouse `events` rows, enriched the way the pipeline
 * would (geo from the visitor's city, UTM and channel from the session's acquisition, revenue in
 * USD), so the query benchmark can bulk-insert millions of realistic rows without the pipeline.
 */
import { CITIES, type City, type ShopEvent } from "../loadgen/model/mod.ts";

const COUNTRY = new Intl.DisplayNames(["en"], { type: "region" });
const BY_PREFIX = new Map<string, City>(CITIES.map((c) => [c.prefix, c]));
const BOT = /bot|crawl|spider|slurp/i;

/** Marks every seeded row, so `seed.ts --clear` removes exactly them. */
export const SEED_SOURCE = "seed";

function cityOf(ip: string): City | undefined {
  const [a, b] = ip.split(".");
  return BY_PREFIX.get(`${a}.${b}`);
}

function channelOf(event: ShopEvent): string {
  const medium = event.context.campaign?.medium;
  if (medium === "cpc") return "paid";
  if (medium === "paid_social") return "social";
  if (medium === "email") return "email";
  if (event.referrer && !event.referrer.includes("gadgetstore")) return "organic";
  return "direct";
}

/** Converts model events to rows; `sessions` remembers each session's channel. */
export function createRowMapper(): (event: ShopEvent) => Record<string, unknown> {
  const channels = new Map<string, string>();
  return (event) => {
    let channel = channels.get(event.session_id);
    if (channel === undefined) {
      channel = channelOf(event);
      channels.set(event.session_id, channel);
      if (channels.size > 200_000) {
        // Sessions are short: forget the oldest half.
        let drop = 100_000;
        for (const key of channels.keys()) {
          channels.delete(key);
          if (--drop === 0) break;
        }
      }
    }
    const city = cityOf(event.context.ip);
    const data = event.event_data;
    const time = event.timestamp.replace("T", " ").replace("Z", "");
    const revenue = event.event_type === "purchase" && typeof data.revenue === "number"
      ? data.revenue
      : null;
    const type = event.event_type === "page_view"
      ? "page"
      : event.event_type === "screen_view"
      ? "screen"
      : event.event_type === "identify"
      ? "identify"
      : "track";
    const url = event.url ?? "";
    return {
      event_id: event.event_id,
      event: event.event_type,
      original_event: event.event_type,
      type,
      timestamp: time,
      received_at: time,
      enriched_at: time,
      user_id: event.user_id ?? "",
      anonymous_id: event.anonymous_id,
      session_id: event.session_id,
      source_id: SEED_SOURCE,
      format: "eventflow",
      platform: event.platform,
      url,
      referrer: event.referrer ?? "",
      properties: JSON.stringify(data),
      traits: JSON.stringify(event.traits ?? {}),
      context: "{}",
      ip: event.context.ip,
      geo_country_code: city?.country_code ?? "",
      geo_country: city ? COUNTRY.of(city.country_code) ?? "" : "",
      geo_city: city?.city ?? "",
      geo_timezone: event.context.timezone,
      device_type: event.platform === "web" ? "desktop" : "mobile",
      is_bot: BOT.test(event.context.userAgent),
      user_tier: event.user_id ? "free" : "",
      product_id: typeof data.product_id === "string" ? data.product_id : "",
      product_name: typeof data.name === "string" ? data.name : "",
      product_category: typeof data.category === "string" ? data.category : "",
      product_price: typeof data.price === "number" ? data.price : null,
      utm_source: event.context.campaign?.source ?? "",
      utm_medium: event.context.campaign?.medium ?? "",
      utm_campaign: event.context.campaign?.name ?? "",
      channel,
      revenue,
      currency: revenue === null ? "" : "USD",
      revenue_base: revenue,
      base_currency: revenue === null ? "" : "USD",
    };
  };
}
