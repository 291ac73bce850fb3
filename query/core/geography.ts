/**
 * Geography: orders, buyers and revenue by country or city, each with its share of the total,
 * from `revenue_events` (the purchases alone, migration 0004).
 */
import { aliasesOf } from "../../shared/events/vocabulary.ts";
import { rangeJson } from "./active_users.ts";
import type { QuestionContext } from "./exec.ts";
import type { ParamsOf } from "./params.ts";
import { ACTOR, type BuiltQuery, eventIn, eventsSubquery, Params } from "./sql.ts";
import { type Range, resolveRange, round } from "./time.ts";

/** Builds the geography query: the total row (`total` = 1) first, then the top places. */
export function geographyQuery(params: ParamsOf<"geography">, range: Range): BuiltQuery {
  const p = new Params();
  const base = eventsSubquery(p, {
    range,
    params,
    columns: `${ACTOR} AS actor, geo_country_code, geo_country, geo_city,
      ifNull(revenue_base, 0) AS amount`,
    extra: [eventIn(p, aliasesOf("purchase"))],
    table: "revenue_events",
  });
  const keys = params.level === "city" ? "geo_country_code, geo_city" : "geo_country_code";
  const sql = `SELECT geo_country_code AS country_code, any(geo_country) AS country,
  ${params.level === "city" ? "geo_city" : "''"} AS city, grouping(geo_country_code) AS total,
  count() AS orders, uniqExact(actor) AS buyers, sum(amount) AS revenue
FROM ${base}
GROUP BY GROUPING SETS ((${keys}), ())
ORDER BY total DESC, revenue DESC, orders DESC, country_code, city
LIMIT ${p.bind(Number(params.limit) + 1, "UInt32")}`;
  return { sql, params: p.values };
}

type Row = Record<
  "country_code" | "country" | "city" | "total" | "orders" | "buyers" | "revenue",
  string | number
>;

/** Runs the geography question. */
export async function geography(params: ParamsOf<"geography">, ctx: QuestionContext) {
  const range = resolveRange(params, ctx.now);
  const rows = await ctx.exec<Row>(geographyQuery(params, range));
  const totalRow = rows.find((r) => Number(r.total) === 1);
  const total = {
    orders: Number(totalRow?.orders ?? 0),
    buyers: Number(totalRow?.buyers ?? 0),
    revenue: round(Number(totalRow?.revenue ?? 0), 2),
  };
  const share = (n: number, of: number) => (of === 0 ? 0 : round(n / of));
  return {
    range: rangeJson(range, params.tz),
    currency: ctx.baseCurrency,
    level: params.level,
    total,
    places: rows.filter((r) => Number(r.total) === 0).map((r) => {
      const orders = Number(r.orders);
      const buyers = Number(r.buyers);
      const revenue = round(Number(r.revenue), 2);
      return {
        country_code: String(r.country_code),
        country: String(r.country),
        ...(params.level === "city" ? { city: String(r.city) } : {}),
        orders,
        buyers,
        revenue,
        share: {
          orders: share(orders, total.orders),
          buyers: share(buyers, total.buyers),
          revenue: share(revenue, total.revenue),
        },
      };
    }),
  };
}
