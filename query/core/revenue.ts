/**
 * Revenue: gross revenue, refunds, net revenue, orders, buyers and average order value per
 * bucket and in total, against the comparison period. Amounts are `revenue_base`, the event's
 * amount converted by enrich to the base currency; a refund subtracts its own amount. Read from
 * `revenue_events` (migration 0004): the purchases and refunds alone, FINAL, so exact as `events`.
 */
import { aliasesOf } from "../../shared/events/vocabulary.ts";
import { rangeJson } from "./active_users.ts";
import type { QuestionContext } from "./exec.ts";
import type { ParamsOf } from "./params.ts";
import { ACTOR, bucket, type BuiltQuery, eventIn, eventsSubquery, Params } from "./sql.ts";
import { change, compareRange, type Range, resolveRange, round } from "./time.ts";

/** Revenue figures of one bucket or a whole range. */
export interface RevenueFigures {
  orders: number;
  buyers: number;
  gross_revenue: number;
  refunds: number;
  refunded_orders: number;
  /** Gross revenue minus refunds. */
  revenue: number;
  /** Gross revenue per order. */
  aov: number;
}

/** Builds the revenue query: one row per bucket plus a total row (`total` = 1). */
export function revenueQuery(params: ParamsOf<"revenue">, range: Range): BuiltQuery {
  const p = new Params();
  const purchase = eventIn(p, aliasesOf("purchase"));
  const refund = eventIn(p, aliasesOf("refund"));
  const t = bucket(p, params.interval, params.tz);
  const base = eventsSubquery(p, {
    range,
    params,
    columns: `timestamp, ${ACTOR} AS actor, ${purchase} AS is_purchase, ${refund} AS is_refund,
      ifNull(revenue_base, 0) AS amount`,
    extra: [`(${purchase} OR ${refund})`],
    table: "revenue_events",
  });
  const sql = `SELECT toUnixTimestamp(${t}) AS t, grouping(t) AS total,
  countIf(is_purchase) AS orders,
  uniqExactIf(actor, is_purchase) AS buyers,
  sumIf(amount, is_purchase) AS gross_revenue,
  sumIf(amount, is_refund) AS refunds,
  countIf(is_refund) AS refunded_orders
FROM ${base}
GROUP BY ROLLUP(t) ORDER BY total, t`;
  return { sql, params: p.values };
}

type Row = Record<
  "t" | "total" | "orders" | "buyers" | "gross_revenue" | "refunds" | "refunded_orders",
  string | number
>;

function figures(row: Row | undefined): RevenueFigures {
  const orders = Number(row?.orders ?? 0);
  const gross = Number(row?.gross_revenue ?? 0);
  const refunds = Number(row?.refunds ?? 0);
  return {
    orders,
    buyers: Number(row?.buyers ?? 0),
    gross_revenue: round(gross, 2),
    refunds: round(refunds, 2),
    refunded_orders: Number(row?.refunded_orders ?? 0),
    revenue: round(gross - refunds, 2),
    aov: orders === 0 ? 0 : round(gross / orders, 2),
  };
}

/** Runs the revenue question. */
export async function revenue(params: ParamsOf<"revenue">, ctx: QuestionContext) {
  const range = resolveRange(params, ctx.now);
  const previousRange = compareRange(range, params.compare);
  const rows = await ctx.exec<Row>(revenueQuery(params, range));
  const current = figures(rows.find((r) => Number(r.total) === 1));
  let previous: RevenueFigures | null = null;
  if (previousRange !== null) {
    const prev = await ctx.exec<Row>(revenueQuery(params, previousRange));
    previous = figures(prev.find((r) => Number(r.total) === 1));
  }
  const keys = Object.keys(current) as (keyof RevenueFigures)[];
  return {
    range: rangeJson(range, params.tz),
    previous_range: previousRange && rangeJson(previousRange, params.tz),
    currency: ctx.baseCurrency,
    interval: params.interval,
    current,
    previous,
    change: previous &&
      Object.fromEntries(keys.map((k) => [k, change(current[k], previous![k])])),
    // The difference in currency units, e.g. "AOV grew by $22".
    delta: previous &&
      Object.fromEntries(keys.map((k) => [k, round(current[k] - previous![k], 2)])),
    series: rows.filter((r) => Number(r.total) === 0).map((r) => ({
      t: new Date(Number(r.t) * 1000).toISOString(),
      ...figures(r),
    })),
  };
}
