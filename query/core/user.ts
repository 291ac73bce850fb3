/** One user: a profile (PostgreSQL's row plus what ClickHouse saw) and the latest events. */
import { aliasesOf } from "../../shared/events/vocabulary.ts";
import type { BuiltQuery } from "./sql.ts";
import { eventIn, Params } from "./sql.ts";

/** Builds the activity summary query of the actor `id` (a user id or an anonymous id). */
export function userSummaryQuery(id: string): BuiltQuery {
  const p = new Params();
  const who = p.bind(id, "String");
  const purchase = eventIn(p, aliasesOf("purchase"));
  const refund = eventIn(p, aliasesOf("refund"));
  const sql = `SELECT count() AS events, uniqExact(session_id) AS sessions,
  toString(min(timestamp)) AS first_seen, toString(max(timestamp)) AS last_seen,
  argMin(platform, timestamp) AS first_platform, groupUniqArray(platform) AS platforms,
  countIf(${purchase}) AS orders,
  sumIf(ifNull(revenue_base, 0), ${purchase}) - sumIf(ifNull(revenue_base, 0), ${refund}) AS revenue,
  argMax(geo_city, timestamp) AS city, argMax(geo_country_code, timestamp) AS country_code,
  argMax(user_tier, timestamp) AS tier, groupUniqArray(anonymous_id) AS anonymous_ids
FROM events FINAL WHERE user_id = ${who} OR (user_id = '' AND anonymous_id = ${who})`;
  return { sql, params: p.values };
}

/** Builds the query of the actor's latest `limit` events, newest first. */
export function userTimelineQuery(id: string, limit: number): BuiltQuery {
  const p = new Params();
  const who = p.bind(id, "String");
  const sql = `SELECT event_id, event, type, toString(timestamp) AS ts, session_id, platform, url,
  product_id, geo_city, geo_country_code, utm_campaign, channel, revenue_base, properties
FROM events FINAL WHERE user_id = ${who} OR (user_id = '' AND anonymous_id = ${who})
ORDER BY timestamp DESC, event_id LIMIT ${p.bind(limit, "UInt32")}`;
  return { sql, params: p.values };
}

/** ClickHouse DateTime64 text (UTC) → ISO 8601. */
export function isoTime(text: string): string {
  return `${text.replace(" ", "T")}Z`;
}
