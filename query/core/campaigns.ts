/**
 * Campaigns: sessions, visitors, buyers, orders, revenue and conversion per campaign, UTM source,
 * UTM medium or channel, with cost per acquisition and ROAS where the shop recorded spend.
 *
 * Attribution is per session: a session belongs to the first non-empty value its events carry
 * (a purchase late in the session rarely repeats the landing page's UTM tags). The campaign,
 * utm_source, utm_medium and channel filters therefore select sessions, not single events.
 */
import { aliasesOf } from "../../shared/events/vocabulary.ts";
import { rangeJson } from "./active_users.ts";
import type { QuestionContext } from "./exec.ts";
import type { ParamsOf } from "./params.ts";
import { ACTOR, type BuiltQuery, eventIn, eventsSubquery, Params } from "./sql.ts";
import { localDate, type Range, resolveRange, round } from "./time.ts";

const DIMENSION = {
  campaign: "utm_campaign",
  source: "utm_source",
  medium: "utm_medium",
  channel: "channel",
} as const;

const SESSION_FILTERS = {
  campaign: "utm_campaign",
  utm_source: "utm_source",
  utm_medium: "utm_medium",
  channel: "channel",
} as const;

/** Builds the campaigns query. */
export function campaignsQuery(params: ParamsOf<"campaigns">, range: Range): BuiltQuery {
  const p = new Params();
  const purchase = eventIn(p, aliasesOf("purchase"));
  const eventFilters = {
    ...params,
    campaign: undefined,
    utm_source: undefined,
    utm_medium: undefined,
    channel: undefined,
  };
  const base = eventsSubquery(p, {
    range,
    params: eventFilters,
    columns: `session_id, timestamp, ${ACTOR} AS actor, utm_campaign, utm_source, utm_medium,
      channel, ${purchase} AS is_purchase, ifNull(revenue_base, 0) AS amount`,
    extra: ["session_id != ''"],
  });
  const firstOf = (column: string) =>
    `argMinIf(${column}, timestamp, ${column} != '') AS s_${column}`;
  const sessionFilters: string[] = [];
  for (const [name, column] of Object.entries(SESSION_FILTERS)) {
    const value = params[name as keyof typeof SESSION_FILTERS];
    if (value !== undefined) {
      sessionFilters.push(
        `s_${column} IN ${p.bind(value.split(",").map((v) => v.trim()), "Array(String)")}`,
      );
    }
  }
  const key = `s_${DIMENSION[params.by]}`;
  const sql = `SELECT ${key} AS key, count() AS sessions, uniqExact(visitor) AS visitors,
  uniqExactIf(visitor, s_orders > 0) AS buyers, sum(s_orders) AS orders, sum(s_revenue) AS revenue
FROM (
  SELECT session_id, argMax(actor, timestamp) AS visitor,
    ${Object.values(SESSION_FILTERS).map(firstOf).join(", ")},
    countIf(is_purchase) AS s_orders, sumIf(amount, is_purchase) AS s_revenue
  FROM ${base}
  GROUP BY session_id
)
${sessionFilters.length > 0 ? `WHERE ${sessionFilters.join(" AND ")}` : ""}
GROUP BY key
ORDER BY buyers DESC, revenue DESC, sessions DESC, key
LIMIT ${p.bind(Number(params.limit), "UInt32")}`;
  return { sql, params: p.values };
}

/** Runs the campaigns question. */
export async function campaigns(params: ParamsOf<"campaigns">, ctx: QuestionContext) {
  const range = resolveRange(params, ctx.now);
  const rows = await ctx.exec<Record<string, string | number>>(campaignsQuery(params, range));
  const days = {
    fromDay: localDate(range.from.getTime(), params.tz),
    toDay: localDate(range.to.getTime() - 1, params.tz),
  };
  const spend = params.by === "campaign" ? await ctx.spend(days) : new Map<string, number>();
  return {
    range: rangeJson(range, params.tz),
    currency: ctx.baseCurrency,
    by: params.by,
    spend_days: params.by === "campaign" ? days : null,
    rows: rows.map((r) => {
      const key = String(r.key);
      const visitors = Number(r.visitors);
      const buyers = Number(r.buyers);
      const revenue = round(Number(r.revenue), 2);
      const cost = spend.get(key);
      return {
        [params.by]: key === "" ? null : key,
        sessions: Number(r.sessions),
        visitors,
        buyers,
        orders: Number(r.orders),
        revenue,
        conversion: visitors === 0 ? 0 : round(buyers / visitors),
        spend: cost ?? null,
        cpa: cost === undefined || buyers === 0 ? null : round(cost / buyers, 2),
        roas: cost === undefined || cost === 0 ? null : round(revenue / cost, 4),
      };
    }),
  };
}
