/** PostgreSQL reads of the products, reviews and campaigns pages. */
import type { Sql } from "../../shared/postgres/mod.ts";
import type { Period } from "../core/period.ts";
import type { CampaignRecord } from "./pg_data.ts";
import { LINE_REVENUE_SQL, NON_SALE_STATUSES, REVENUE_SQL } from "./pg_overview.ts";

/** A product with its sales in a period and its all-time rating. */
export interface ProductRow {
  product_id: string;
  name: string | null;
  category: string | null;
  price: number | null;
  currency: string;
  units: number;
  orders: number;
  revenue: number;
  reviews: number;
  rating: number | null;
}

const PRODUCT_COLUMNS = (sql: Sql, period: Period) =>
  sql`p.product_id, p.name, p.category, p.price::float8 AS price, p.currency,
      COALESCE(s.units, 0)::int AS units, COALESCE(s.orders, 0)::int AS orders,
      COALESCE(s.revenue, 0)::float8 AS revenue,
      COALESCE(r.reviews, 0)::int AS reviews, r.rating::float8 AS rating
    FROM products p
    LEFT JOIN LATERAL (
      SELECT sum(i.quantity) AS units, count(DISTINCT o.order_id) AS orders,
             sum(${sql.unsafe(LINE_REVENUE_SQL)}) AS revenue
      FROM order_items i JOIN orders o ON o.order_id = i.order_id
      WHERE i.product_id = p.product_id
        AND o.created_at >= ${period.from} AND o.created_at < ${period.to}
        AND o.status <> ALL(${NON_SALE_STATUSES})
    ) s ON true
    LEFT JOIN LATERAL (
      SELECT count(*) AS reviews, avg(rating) AS rating FROM reviews WHERE product_id = p.product_id
    ) r ON true`;

/** A page of products by revenue in `period`, and the product count. */
export async function listProducts(
  sql: Sql,
  period: Period,
  opts: { offset: number; limit: number },
): Promise<{ rows: ProductRow[]; total: number }> {
  const rows = await sql<ProductRow[]>`
    SELECT ${PRODUCT_COLUMNS(sql, period)}
    ORDER BY revenue DESC, units DESC, p.product_id
    LIMIT ${opts.limit} OFFSET ${opts.offset}`;
  const [count] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM products`;
  return { rows, total: count?.n ?? 0 };
}

/** One product with its sales in `period`, or null when there is none. */
export async function getProduct(
  sql: Sql,
  productId: string,
  period: Period,
): Promise<ProductRow | null> {
  const [row] = await sql<ProductRow[]>`
    SELECT ${PRODUCT_COLUMNS(sql, period)} WHERE p.product_id = ${productId}`;
  return row ?? null;
}

/** A review with its product. */
export interface ReviewRow {
  event_id: string;
  user_id: string | null;
  product_id: string;
  name: string | null;
  rating: number;
  body: string | null;
  created_at: Date;
}

/** The latest reviews, of one product when `productId` is given. */
export async function listReviews(
  sql: Sql,
  opts: { productId?: string; limit?: number } = {},
): Promise<ReviewRow[]> {
  const filter = opts.productId === undefined ? sql`` : sql`WHERE r.product_id = ${opts.productId}`;
  return await sql<ReviewRow[]>`
    SELECT r.event_id, r.user_id, r.product_id, p.name, r.rating, r.body, r.created_at
    FROM reviews r LEFT JOIN products p ON p.product_id = r.product_id
    ${filter}
    ORDER BY r.created_at DESC, r.event_id
    LIMIT ${opts.limit ?? 10}`;
}

/** A campaign with the orders attributed to it inside its window. */
export interface CampaignRow extends CampaignRecord {
  orders: number;
  revenue: number;
  customers: number;
}

/**
 * Every campaign, newest first. An order belongs to a campaign when its `campaign` (the
 * utm_campaign, else the matched campaign id, as the sink stores it) names the campaign and it
 * was placed inside the campaign's window.
 */
export async function listCampaigns(sql: Sql): Promise<CampaignRow[]> {
  return await sql<CampaignRow[]>`
    SELECT c.campaign_id, c.name, c.utm_campaign, c.channel, c.starts_at, c.ends_at,
           COALESCE(s.orders, 0)::int AS orders, COALESCE(s.revenue, 0)::float8 AS revenue,
           COALESCE(s.customers, 0)::int AS customers
    FROM campaigns c
    LEFT JOIN LATERAL (
      SELECT count(*) AS orders, sum(${sql.unsafe(REVENUE_SQL)}) AS revenue,
             count(DISTINCT o.user_id) AS customers
      FROM orders o
      WHERE (o.campaign = c.campaign_id OR o.campaign = c.utm_campaign)
        AND o.created_at >= c.starts_at AND o.created_at < c.ends_at
        AND o.status <> ALL(${NON_SALE_STATUSES})
    ) s ON true
    ORDER BY c.starts_at DESC, c.campaign_id`;
}
