/** PostgreSQL figures of the overview: order KPIs, revenue per bucket, top products, feed. */
import type { Sql } from "../../shared/postgres/mod.ts";
import type { Period } from "../core/period.ts";

/**
 * Revenue of one order in the base currency: the converted total the sink stored, else the
 * total itself when the order was already in the base currency; null when no rate was known.
 */
export const REVENUE_SQL =
  "COALESCE(o.total_base, CASE WHEN o.currency = o.base_currency THEN o.total END)";

/** Statuses that do not count as sales (Shopify's "net sales" leaves them out too). */
export const NON_SALE_STATUSES = ["cancelled", "canceled", "refunded", "failed"];

/** Order KPIs of a period. */
export interface OrderKpis {
  orders: number;
  revenue: number;
  /** Average order value; null without orders. */
  aov: number | null;
  /** Orders whose revenue is unknown (no exchange rate) and so left out of revenue and AOV. */
  unconverted: number;
  signups: number;
}

/** Orders, revenue, AOV and signups of `period`. */
export async function orderKpis(sql: Sql, period: Period): Promise<OrderKpis> {
  const [row] = await sql<{ orders: number; revenue: number; converted: number }[]>`
    SELECT count(*)::int AS orders,
           COALESCE(sum(${sql.unsafe(REVENUE_SQL)}), 0)::float8 AS revenue,
           count(${sql.unsafe(REVENUE_SQL)})::int AS converted
    FROM orders o
    WHERE o.created_at >= ${period.from} AND o.created_at < ${period.to}
      AND o.status <> ALL(${NON_SALE_STATUSES})`;
  const [signups] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM signups
    WHERE signed_up_at >= ${period.from} AND signed_up_at < ${period.to}`;
  const orders = row?.orders ?? 0;
  const converted = row?.converted ?? 0;
  const revenue = row?.revenue ?? 0;
  return {
    orders,
    revenue,
    aov: converted === 0 ? null : revenue / converted,
    unconverted: orders - converted,
    signups: signups?.n ?? 0,
  };
}

/** Revenue per chart bucket (hour or day) of `period`; empty buckets are absent. */
export async function revenueSeries(
  sql: Sql,
  period: Period,
): Promise<Array<{ bucket: Date; value: number }>> {
  const rows = await sql<{ bucket: Date; value: number }[]>`
    SELECT date_trunc(${period.bucket}, o.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket,
           COALESCE(sum(${sql.unsafe(REVENUE_SQL)}), 0)::float8 AS value
    FROM orders o
    WHERE o.created_at >= ${period.from} AND o.created_at < ${period.to}
      AND o.status <> ALL(${NON_SALE_STATUSES})
    GROUP BY 1 ORDER BY 1`;
  return rows.map((row) => ({ bucket: new Date(row.bucket), value: row.value }));
}

/** A product's sales in a period. */
export interface ProductSales {
  product_id: string;
  name: string | null;
  units: number;
  orders: number;
  revenue: number;
}

/** Line revenue in the base currency: the order's conversion ratio applied to the line. */
export const LINE_REVENUE_SQL = `i.quantity * i.unit_price * CASE
  WHEN o.currency = o.base_currency THEN 1
  WHEN o.total_base IS NOT NULL AND o.total > 0 THEN o.total_base / o.total END`;

/** The best-selling products of `period` by revenue. */
export async function topProducts(
  sql: Sql,
  period: Period,
  opts: { limit?: number } = {},
): Promise<ProductSales[]> {
  return await sql<ProductSales[]>`
    SELECT i.product_id, p.name,
           sum(i.quantity)::int AS units,
           count(DISTINCT o.order_id)::int AS orders,
           COALESCE(sum(${sql.unsafe(LINE_REVENUE_SQL)}), 0)::float8 AS revenue
    FROM order_items i
    JOIN orders o ON o.order_id = i.order_id
    LEFT JOIN products p ON p.product_id = i.product_id
    WHERE o.created_at >= ${period.from} AND o.created_at < ${period.to}
      AND o.status <> ALL(${NON_SALE_STATUSES})
    GROUP BY i.product_id, p.name
    ORDER BY revenue DESC, units DESC, i.product_id
    LIMIT ${opts.limit ?? 5}`;
}

/** One row of the business events feed. */
export interface BusinessEvent {
  event_id: string;
  event: string;
  user_id: string | null;
  occurred_at: Date;
  city: string | null;
  country_code: string | null;
  platform: string | null;
  properties: Record<string, unknown>;
}

/** The latest business-critical events (purchases, signups, reviews, refunds …). */
export async function recentBusinessEvents(
  sql: Sql,
  opts: { limit?: number } = {},
): Promise<BusinessEvent[]> {
  return await sql<BusinessEvent[]>`
    SELECT event_id, event, user_id, occurred_at, city, country_code, platform, properties
    FROM business_events
    ORDER BY occurred_at DESC, event_id
    LIMIT ${opts.limit ?? 10}`;
}
