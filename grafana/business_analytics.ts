/**
 * The "EventFlow · Business analytics" dashboard: SQL over ClickHouse `eventflow.events` and its
 * rollups (shared/clickhouse/migrations). Revenue and orders read `events FINAL`, so an event
 * delivered twice counts once; distinct users come from uniqExact states in the rollups.
 * @module
 */
import { aliasesOf, namesOf } from "../shared/events/mod.ts";
import { bars, dashboard, pie, row, sql, stat, table, timeseries } from "./_dashboard.ts";

/** Who did it: the user id once known, else the anonymous id. */
export const ACTOR = "if(user_id != '', user_id, anonymous_id)";
/** `event IN (…)` over stored event names (snake_case, so safe to quote as they are). */
export function eventIn(names: readonly string[]): string {
  const bad = names.find((name) => !/^[a-z0-9_]+$/.test(name));
  if (bad !== undefined) throw new Error(`Event name "${bad}" is not a normalized name`);
  return `event IN (${names.map((name) => `'${name}'`).join(", ")})`;
}

/** Event names that mean an order was placed: every name of the vocabulary's purchase. */
export const PURCHASE = eventIn(aliasesOf("purchase"));
/**
 * The funnel steps, in order: the product brief's funnel without its search step, with any
 * page, screen or product view as the first step.
 */
export const FUNNEL = {
  view: `(type IN ('page', 'screen') OR ${eventIn(namesOf(["page_view", "product_view"]))})`,
  click: eventIn(aliasesOf("product_click")),
  cart: eventIn(aliasesOf("add_to_cart")),
  purchase: PURCHASE,
};

const RANGE = "$__timeFilter(timestamp) AND NOT is_bot";
const ORDERS = `FROM eventflow.events FINAL WHERE ${RANGE} AND ${PURCHASE}`;

/** Builds the business analytics dashboard. */
export function businessAnalytics(): Record<string, unknown> {
  return dashboard("eventflow-business", "EventFlow · Business analytics", {
    description: "Users, engagement, funnel, revenue and marketing from ClickHouse.",
    tags: ["eventflow", "clickhouse"],
    from: "now-30d",
    refresh: "5m",
    panels: [
      row("Users"),
      stat("Revenue", [sql(`SELECT sum(revenue_base) AS revenue ${ORDERS}`, "table")], {
        unit: "currencyUSD",
        w: 4,
        description: "Sum of revenue in the base currency over purchase events, each counted once.",
      }),
      stat("Orders", [sql(`SELECT count() AS orders ${ORDERS}`, "table")], { w: 4 }),
      stat("Average order value", [
        sql(`SELECT round(sum(revenue_base) / count(revenue_base), 2) AS aov ${ORDERS}`, "table"),
      ], { unit: "currencyUSD", w: 4 }),
      stat("DAU (last day)", [sql(
        `SELECT uniqExactMerge(users) AS dau FROM eventflow.daily_active_users
WHERE day = toDate($__toTime)`,
        "table",
      )], { w: 4 }),
      stat("MAU (30 days to end of range)", [sql(
        `SELECT uniqExactMerge(users) AS mau FROM eventflow.daily_active_users
WHERE day > toDate($__toTime) - 30 AND day <= toDate($__toTime)`,
        "table",
      )], { w: 4 }),
      stat("Stickiness (DAU / MAU)", [sql(
        `SELECT round(uniqExactMergeIf(users, day = toDate($__toTime)) / greatest(uniqExactMerge(users), 1), 3) AS stickiness
FROM eventflow.daily_active_users
WHERE day > toDate($__toTime) - 30 AND day <= toDate($__toTime)`,
        "table",
      )], { unit: "percentunit", w: 4 }),
      timeseries("Daily active users", [sql(
        `SELECT toDateTime(day) AS time, uniqExactMerge(users) AS dau
FROM eventflow.daily_active_users
WHERE day >= toDate($__fromTime) AND day <= toDate($__toTime)
GROUP BY day ORDER BY day`,
        "timeseries",
      )], { w: 12, description: "From the daily_active_users rollup (bots excluded)." }),
      timeseries("New vs returning users", [sql(
        `SELECT day AS time, countIf(first_day = day) AS new_users, countIf(first_day < day) AS returning_users
FROM (
  SELECT DISTINCT toStartOfDay(timestamp) AS day, ${ACTOR} AS actor
  FROM eventflow.events WHERE ${RANGE}
) AS active
INNER JOIN (
  SELECT ${ACTOR} AS actor, toStartOfDay(min(timestamp)) AS first_day
  FROM eventflow.events WHERE NOT is_bot AND timestamp <= $__toTime
  GROUP BY actor
) AS firsts USING actor
GROUP BY day ORDER BY day`,
        "timeseries",
      )], { w: 12, stack: true, description: "New: first event ever on that day." }),

      row("Engagement"),
      timeseries("Events per hour by type", [sql(
        `SELECT hour AS time, event, uniqExactMerge(events) AS events
FROM eventflow.events_hourly
WHERE hour >= toStartOfHour($__fromTime) AND hour <= $__toTime
GROUP BY hour, event ORDER BY hour`,
        "timeseries",
      )], { w: 16, stack: true }),
      table(
        "Top events",
        sql(
          `SELECT event, uniqExactMerge(events) AS events, uniqExactMerge(users) AS users
FROM eventflow.events_hourly
WHERE hour >= toStartOfHour($__fromTime) AND hour <= $__toTime
GROUP BY event ORDER BY events DESC LIMIT 20`,
          "table",
        ),
      ),
      bars(
        "Conversion funnel: view → click → cart → purchase",
        sql(
          `SELECT s.1 AS step, s.2 AS users, round(100 * s.2 / greatest(viewed, 1), 1) AS pct_of_viewers
FROM (
  SELECT countIf(level >= 1) AS viewed, countIf(level >= 2) AS clicked,
         countIf(level >= 3) AS carted, countIf(level >= 4) AS purchased
  FROM (
    SELECT ${ACTOR} AS actor,
           windowFunnel(86400)(toDateTime(timestamp), ${FUNNEL.view}, ${FUNNEL.click}, ${FUNNEL.cart}, ${FUNNEL.purchase}) AS level
    FROM eventflow.events WHERE ${RANGE}
    GROUP BY actor
  )
)
ARRAY JOIN [('1 view', viewed), ('2 click', clicked), ('3 cart', carted), ('4 purchase', purchased)] AS s
ORDER BY step`,
          "table",
        ),
        { w: 12, description: "Users completing each step in order within 24 hours." },
      ),
      pie(
        "Device type",
        sql(
          `SELECT if(device_type = '', 'unknown', device_type) AS device, uniqExact(${ACTOR}) AS users
FROM eventflow.events WHERE ${RANGE}
GROUP BY device ORDER BY users DESC`,
          "table",
        ),
        { w: 6 },
      ),
      pie(
        "Operating system",
        sql(
          `SELECT if(device_os = '', 'unknown', device_os) AS os, uniqExact(${ACTOR}) AS users
FROM eventflow.events WHERE ${RANGE}
GROUP BY os ORDER BY users DESC LIMIT 10`,
          "table",
        ),
        { w: 6 },
      ),

      row("Revenue"),
      timeseries("Revenue per day", [sql(
        `SELECT toStartOfDay(timestamp) AS time, sum(revenue_base) AS revenue, count() AS orders
${ORDERS}
GROUP BY time ORDER BY time`,
        "timeseries",
      )], { w: 12, unit: "currencyUSD" }),
      timeseries("Average order value per day", [sql(
        `SELECT toStartOfDay(timestamp) AS time, round(sum(revenue_base) / count(revenue_base), 2) AS aov
${ORDERS}
GROUP BY time ORDER BY time`,
        "timeseries",
      )], { w: 12, unit: "currencyUSD" }),
      table(
        "Orders by country and city",
        sql(
          `SELECT if(geo_country = '', 'unknown', geo_country) AS country, geo_city AS city,
       count() AS orders, round(sum(revenue_base), 2) AS revenue
${ORDERS}
GROUP BY country, city ORDER BY orders DESC LIMIT 50`,
          "table",
        ),
        { w: 12 },
      ),
      table(
        "Top products by purchases",
        sql(
          `SELECT item.1 AS product_id, any(item.2) AS product, count() AS purchases, uniqExact(event_id) AS orders
FROM (
  SELECT event_id,
         arrayJoin(if(JSONLength(properties, 'products') > 0,
           arrayMap(p -> (JSONExtractString(p, 'product_id'), JSONExtractString(p, 'name')),
                    JSONExtractArrayRaw(properties, 'products')),
           [(product_id, product_name)])) AS item
  ${ORDERS}
)
WHERE item.1 != ''
GROUP BY product_id ORDER BY purchases DESC, product_id LIMIT 20`,
          "table",
        ),
        {
          w: 12,
          description: "Line items of orders (properties.products), else the event's product.",
        },
      ),

      row("Marketing"),
      table(
        "Campaign effectiveness (first-touch in session)",
        sql(
          `SELECT campaign, count() AS sessions, countIf(orders > 0) AS converting_sessions,
       round(100 * countIf(orders > 0) / count(), 2) AS conversion_pct,
       sum(orders) AS purchases, round(sum(order_revenue), 2) AS revenue
FROM (
  SELECT session_id, argMinIf(utm_campaign, timestamp, utm_campaign != '') AS campaign,
         countIf(${PURCHASE}) AS orders, sumIf(ifNull(revenue_base, 0), ${PURCHASE}) AS order_revenue
  FROM eventflow.events FINAL WHERE ${RANGE} AND session_id != ''
  GROUP BY session_id
)
WHERE campaign != ''
GROUP BY campaign ORDER BY revenue DESC, sessions DESC LIMIT 20`,
          "table",
        ),
        { w: 12 },
      ),
      table(
        "Purchases during active campaigns",
        sql(
          `SELECT arrayJoin(campaigns) AS campaign, count() AS purchases, round(sum(revenue_base), 2) AS revenue
${ORDERS}
GROUP BY campaign ORDER BY revenue DESC LIMIT 20`,
          "table",
        ),
        {
          w: 12,
          description: "Campaigns (admin console) active and matching when the order was placed.",
        },
      ),
      pie(
        "Channel mix (sessions)",
        sql(
          `SELECT if(channel = '', 'direct', channel) AS channel, count() AS sessions
FROM (
  SELECT session_id, argMin(channel, timestamp) AS channel
  FROM eventflow.events WHERE ${RANGE} AND session_id != ''
  GROUP BY session_id
)
GROUP BY channel ORDER BY sessions DESC, channel`,
          "table",
        ),
        { w: 8 },
      ),
      timeseries("Revenue by channel", [sql(
        `SELECT toStartOfDay(timestamp) AS time, if(channel = '', 'direct', channel) AS channel, sum(revenue_base) AS revenue
${ORDERS}
GROUP BY time, channel ORDER BY time`,
        "timeseries",
      )], { w: 16, unit: "currencyUSD", stack: true }),
    ],
  });
}
