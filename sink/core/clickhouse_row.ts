/**
 * EnrichedEvent → one row of `{database}.events` (shared/clickhouse/migrations/0001_events.sql).
 * Pure: the same event and Kafka position always give the same row, so a re-delivered event
 * lands on the same ReplacingMergeTree key and a retried block carries the same bytes.
 */
import type { EnrichedEvent } from "../../shared/events/mod.ts";

/** Where a message was read from; kept on the row so an operator can trace it back to Kafka. */
export interface KafkaPosition {
  topic: string;
  partition: number;
  offset: string;
}

/** A row of the `events` table in the JSONEachRow shape the insert sends. */
export interface EventRow {
  event_id: string;
  event: string;
  original_event: string;
  type: string;
  timestamp: string;
  received_at: string;
  client_timestamp: string | null;
  sent_at: string | null;
  timestamp_clamped: boolean;
  enriched_at: string;
  user_id: string;
  anonymous_id: string;
  session_id: string;
  session_derived: boolean;
  group_id: string;
  source_id: string;
  format: string;
  platform: string;
  url: string;
  referrer: string;
  properties: string;
  traits: string;
  context: string;
  ip: string;
  geo_country_code: string;
  geo_country: string;
  geo_region: string;
  geo_city: string;
  geo_timezone: string;
  geo_latitude: number | null;
  geo_longitude: number | null;
  device_browser: string;
  device_browser_version: string;
  device_os: string;
  device_os_version: string;
  device_type: string;
  device_vendor: string;
  device_model: string;
  is_bot: boolean;
  user_tier: string;
  user_signup_at: string | null;
  identity_resolved: boolean;
  product_id: string;
  product_name: string;
  product_category: string;
  product_price: number | null;
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_term: string;
  utm_content: string;
  click_id_type: string;
  click_id: string;
  channel: string;
  referrer_source: string;
  referrer_host: string;
  campaigns: string[];
  revenue: number | null;
  currency: string;
  revenue_base: number | null;
  base_currency: string;
  enrichment_errors: string[];
  kafka_partition: number;
  kafka_offset: number;
}

/** Every column the sink writes, in table order (`inserted_at` is left to its DEFAULT). */
export const EVENT_COLUMNS = [
  "event_id",
  "event",
  "original_event",
  "type",
  "timestamp",
  "received_at",
  "client_timestamp",
  "sent_at",
  "timestamp_clamped",
  "enriched_at",
  "user_id",
  "anonymous_id",
  "session_id",
  "session_derived",
  "group_id",
  "source_id",
  "format",
  "platform",
  "url",
  "referrer",
  "properties",
  "traits",
  "context",
  "ip",
  "geo_country_code",
  "geo_country",
  "geo_region",
  "geo_city",
  "geo_timezone",
  "geo_latitude",
  "geo_longitude",
  "device_browser",
  "device_browser_version",
  "device_os",
  "device_os_version",
  "device_type",
  "device_vendor",
  "device_model",
  "is_bot",
  "user_tier",
  "user_signup_at",
  "identity_resolved",
  "product_id",
  "product_name",
  "product_category",
  "product_price",
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_term",
  "utm_content",
  "click_id_type",
  "click_id",
  "channel",
  "referrer_source",
  "referrer_host",
  "campaigns",
  "revenue",
  "currency",
  "revenue_base",
  "base_currency",
  "enrichment_errors",
  "kafka_partition",
  "kafka_offset",
] as const satisfies readonly (keyof EventRow)[];

// `toISOString()` output, which is what enrich writes: already UTC with milliseconds.
const CANONICAL_ISO = /^\d{4}-(\d{2})-(\d{2})T(\d{2}):\d{2}:\d{2}\.\d{3}Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Formats an ISO-8601 time as ClickHouse's `YYYY-MM-DD hh:mm:ss.sss` in UTC, which every
 * `date_time_input_format` accepts; null for null or text that is not a time.
 */
export function toDateTime64(iso: string | null): string | null {
  if (iso === null) return null;
  // The common case, a canonical UTC time, only changes its separators (no Date round trip,
  // a third of the sink's row mapping); values the Date parser would roll over (31 April,
  // 24:00) take the general path, so they come out the same as before.
  const m = CANONICAL_ISO.exec(iso);
  if (m !== null) {
    const month = Number(m[1]);
    const day = Number(m[2]);
    const year = Number(iso.slice(0, 4));
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
    if (days !== undefined && day >= 1 && day <= days && Number(m[3]) < 24) {
      return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
    }
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

function required(iso: string): string {
  // The schema guarantees an ISO time, so this only guards against a contract change.
  return toDateTime64(iso) ?? "1970-01-01 00:00:00.000";
}

function finite(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

/** Largest magnitude a `Decimal(18, 4)` money column holds (14 integer digits). */
export const MAX_MONEY = 1e14;

/**
 * An amount for a `Decimal(18, 4)` column (migration 0003): rounded to 4 decimals, because
 * ClickHouse truncates extra digits; null when the column cannot hold it, because one such value
 * would make ClickHouse reject the whole insert.
 */
export function toMoney(value: number | null): number | null {
  const amount = finite(value);
  if (amount === null || !(Math.abs(amount) < MAX_MONEY)) return null;
  return Math.round(amount * 1e4) / 1e4;
}

/** Maps one enriched event and its Kafka position to the `events` row. */
export function toEventRow(event: EnrichedEvent, position: KafkaPosition): EventRow {
  const { geo, device, user, product, marketing, revenue } = event;
  return {
    event_id: event.event_id,
    event: event.event,
    original_event: event.original_event,
    type: event.type,
    timestamp: required(event.timestamp),
    received_at: required(event.received_at),
    client_timestamp: toDateTime64(event.client_timestamp),
    sent_at: toDateTime64(event.sent_at),
    timestamp_clamped: event.timestamp_clamped,
    enriched_at: required(event.enriched_at),
    user_id: event.user_id ?? "",
    anonymous_id: event.anonymous_id ?? "",
    session_id: event.session_id,
    session_derived: event.session_derived,
    group_id: event.group_id ?? "",
    source_id: event.source_id,
    format: event.format,
    platform: event.platform ?? "",
    url: event.url ?? "",
    referrer: event.referrer ?? "",
    properties: JSON.stringify(event.properties),
    traits: JSON.stringify(event.traits),
    context: JSON.stringify(event.context),
    ip: event.ip ?? "",
    geo_country_code: geo.country_code ?? "",
    geo_country: geo.country ?? "",
    geo_region: geo.region ?? "",
    geo_city: geo.city ?? "",
    geo_timezone: geo.timezone ?? "",
    geo_latitude: finite(geo.latitude),
    geo_longitude: finite(geo.longitude),
    device_browser: device.browser ?? "",
    device_browser_version: device.browser_version ?? "",
    device_os: device.os ?? "",
    device_os_version: device.os_version ?? "",
    device_type: device.device_type ?? "",
    device_vendor: device.device_vendor ?? "",
    device_model: device.device_model ?? "",
    is_bot: device.is_bot,
    user_tier: user.tier ?? "",
    user_signup_at: toDateTime64(user.signup_at),
    identity_resolved: user.identity_resolved,
    product_id: product.product_id ?? "",
    product_name: product.name ?? "",
    product_category: product.category ?? "",
    product_price: toMoney(product.price),
    utm_source: marketing.utm_source ?? "",
    utm_medium: marketing.utm_medium ?? "",
    utm_campaign: marketing.utm_campaign ?? "",
    utm_term: marketing.utm_term ?? "",
    utm_content: marketing.utm_content ?? "",
    click_id_type: marketing.click_id_type ?? "",
    click_id: marketing.click_id ?? "",
    channel: marketing.channel,
    referrer_source: marketing.referrer_source ?? "",
    referrer_host: marketing.referrer_host ?? "",
    campaigns: marketing.campaigns,
    revenue: revenue === null ? null : toMoney(revenue.amount),
    currency: revenue?.currency ?? "",
    revenue_base: revenue === null ? null : toMoney(revenue.amount_base),
    base_currency: revenue?.base_currency ?? "",
    enrichment_errors: event.enrichment_errors.map((e) => `${e.step}: ${e.reason}`),
    kafka_partition: position.partition,
    kafka_offset: Number(position.offset),
  };
}
