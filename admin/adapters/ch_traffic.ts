/**
 * ClickHouse reads: traffic KPIs, a customer's activity, product views, campaign traffic and
 * the live event stream. `events` is a ReplacingMergeTree that merges lazily, so counts use
 * uniqExact(event_id) and row lists use FINAL: a re-delivered event never shows twice.
 */
import type { ClickHouseClient } from "../../shared/clickhouse/mod.ts";
import { aliasesOf } from "../../shared/events/mod.ts";
import type { Period } from "../core/period.ts";

/** Visitor identity: the user when known, else the anonymous device. */
const VISITOR = "if(user_id != '', user_id, anonymous_id)";

/** Event names that mean "looked at a product page", as stored (normalized) by enrich. */
export const PRODUCT_VIEW_EVENTS: readonly string[] = aliasesOf("product_view");

function range(period: { from: Date; to: Date }) {
  // DateTime64 parameters take "YYYY-MM-DD hh:mm:ss.sss" in UTC.
  const text = (date: Date) => date.toISOString().replace("T", " ").replace("Z", "");
  return { from: text(period.from), to: text(period.to) };
}

const IN_RANGE =
  "timestamp >= {from:DateTime64(3, 'UTC')} AND timestamp < {to:DateTime64(3, 'UTC')}";

/** ClickHouse prints DateTime64 as "YYYY-MM-DD hh:mm:ss.sss" (UTC here); make it ISO 8601. */
// (Selected as `ts`: an alias named `timestamp` would shadow the column in WHERE and ORDER BY.)
function isoEvents(events: Array<Omit<EventRow, "timestamp"> & { ts: string }>): EventRow[] {
  return events.map(({ ts, ...e }) => ({ ...e, timestamp: `${ts.replace(" ", "T")}Z` }));
}

async function rows<T>(
  ch: ClickHouseClient,
  query: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  const result = await ch.query({ query, query_params: params, format: "JSONEachRow" });
  return await result.json<T>();
}

/** Events and active (non-bot) visitors of a period. */
export async function trafficKpis(
  ch: ClickHouseClient,
  period: Period,
): Promise<{ events: number; activeUsers: number }> {
  const [row] = await rows<{ events: string; users: string }>(
    ch,
    `SELECT uniqExact(event_id) AS events, uniqExactIf(${VISITOR}, NOT is_bot) AS users
     FROM events WHERE ${IN_RANGE}`,
    range(period),
  );
  return { events: Number(row?.events ?? 0), activeUsers: Number(row?.users ?? 0) };
}

/** One event as timelines and the live stream show it; `timestamp` is ISO 8601 UTC. */
export interface EventRow {
  event_id: string;
  event: string;
  type: string;
  timestamp: string;
  user_id: string;
  anonymous_id: string;
  platform: string;
  url: string;
  product_id: string;
  product_name: string;
  geo_city: string;
  geo_country_code: string;
  device_browser: string;
  device_os: string;
  device_type: string;
  utm_campaign: string;
  channel: string;
  revenue_base: number | null;
  is_bot: boolean;
}

const EVENT_COLUMNS = `event_id, event, type, toString(timestamp) AS ts, user_id,
  anonymous_id, platform, url, product_id, product_name, geo_city, geo_country_code,
  device_browser, device_os, device_type, utm_campaign, channel, revenue_base, is_bot`;

/** A customer's latest events, newest first. */
export async function userTimeline(
  ch: ClickHouseClient,
  userId: string,
  opts: { limit?: number } = {},
): Promise<EventRow[]> {
  return isoEvents(
    await rows<Omit<EventRow, "timestamp"> & { ts: string }>(
      ch,
      `SELECT ${EVENT_COLUMNS} FROM events FINAL WHERE user_id = {user:String}
     ORDER BY timestamp DESC, event_id LIMIT {limit:UInt32}`,
      { user: userId, limit: opts.limit ?? 50 },
    ),
  );
}

/** Filters of the live event stream. */
export interface EventFilter {
  event?: string;
  platform?: string;
}

/** The latest events matching `filter`, newest first. */
export async function latestEvents(
  ch: ClickHouseClient,
  filter: EventFilter,
  opts: { limit?: number; since: Date },
): Promise<EventRow[]> {
  const conditions = ["timestamp >= {since:DateTime64(3, 'UTC')}"];
  if (filter.event !== undefined) conditions.push("event = {event:String}");
  if (filter.platform !== undefined) conditions.push("platform = {platform:String}");
  return isoEvents(
    await rows<Omit<EventRow, "timestamp"> & { ts: string }>(
      ch,
      `SELECT ${EVENT_COLUMNS} FROM events FINAL WHERE ${conditions.join(" AND ")}
     ORDER BY timestamp DESC, event_id LIMIT {limit:UInt32}`,
      {
        since: range({ from: opts.since, to: opts.since }).from,
        event: filter.event ?? "",
        platform: filter.platform ?? "",
        limit: opts.limit ?? 100,
      },
    ),
  );
}

/** Event names and platforms seen since `since`, for the live stream's filter menus. */
export async function eventFacets(
  ch: ClickHouseClient,
  since: Date,
): Promise<{ events: string[]; platforms: string[] }> {
  const params = { since: range({ from: since, to: since }).from };
  const [events, platforms] = await Promise.all([
    rows<{ v: string }>(
      ch,
      `SELECT DISTINCT event AS v FROM events WHERE timestamp >= {since:DateTime64(3, 'UTC')}
       ORDER BY v LIMIT 200`,
      params,
    ),
    rows<{ v: string }>(
      ch,
      `SELECT DISTINCT platform AS v FROM events WHERE timestamp >= {since:DateTime64(3, 'UTC')}
       AND platform != '' ORDER BY v LIMIT 50`,
      params,
    ),
  ]);
  return { events: events.map((r) => r.v), platforms: platforms.map((r) => r.v) };
}

/** Product page views and distinct viewers per product id in a period. */
export async function productViews(
  ch: ClickHouseClient,
  period: Period,
  productIds: string[],
): Promise<Map<string, { views: number; viewers: number }>> {
  if (productIds.length === 0) return new Map();
  const result = await rows<{ product_id: string; views: string; viewers: string }>(
    ch,
    `SELECT product_id, uniqExact(event_id) AS views, uniqExact(${VISITOR}) AS viewers
     FROM events
     WHERE ${IN_RANGE} AND event IN {names:Array(String)} AND product_id IN {ids:Array(String)}
       AND NOT is_bot
     GROUP BY product_id`,
    { ...range(period), names: PRODUCT_VIEW_EVENTS, ids: productIds },
  );
  return new Map(
    result.map((r) => [r.product_id, { views: Number(r.views), viewers: Number(r.viewers) }]),
  );
}

/** Traffic of one utm_campaign in a period. */
export interface CampaignTraffic {
  utm_campaign: string;
  utm_source: string;
  utm_medium: string;
  events: number;
  visitors: number;
  sessions: number;
}

/** Traffic per utm_campaign (with its main source/medium) in a period, busiest first. */
export async function campaignTraffic(
  ch: ClickHouseClient,
  period: Period,
  opts: { limit?: number } = {},
): Promise<CampaignTraffic[]> {
  const result = await rows<
    & Omit<CampaignTraffic, "events" | "visitors" | "sessions">
    & Record<"events" | "visitors" | "sessions", string>
  >(
    ch,
    `SELECT utm_campaign, topKIf(1)(utm_source, utm_source != '')[1] AS utm_source,
            topKIf(1)(utm_medium, utm_medium != '')[1] AS utm_medium,
            uniqExact(event_id) AS events, uniqExact(${VISITOR}) AS visitors,
            uniqExactIf(session_id, session_id != '') AS sessions
     FROM events
     WHERE ${IN_RANGE} AND utm_campaign != '' AND NOT is_bot
     GROUP BY utm_campaign ORDER BY visitors DESC, utm_campaign LIMIT {limit:UInt32}`,
    { ...range(period), limit: opts.limit ?? 50 },
  );
  return result.map((r) => ({
    ...r,
    events: Number(r.events),
    visitors: Number(r.visitors),
    sessions: Number(r.sessions),
  }));
}

/** Round-trips a trivial query, for `/readyz`. */
export async function pingClickHouse(ch: ClickHouseClient): Promise<void> {
  const result = await ch.query({ query: "SELECT 1", format: "JSONEachRow" });
  await result.json();
}
