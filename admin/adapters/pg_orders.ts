/** PostgreSQL reads of the orders pages. */
import type { Sql } from "../../shared/postgres/mod.ts";
import { likePrefix } from "./stores.ts";
import { REVENUE_SQL } from "./pg_overview.ts";

/** Filters of the orders list; every field optional. */
export interface OrderFilter {
  status?: string;
  /** Inclusive UTC day start. */
  from?: Date;
  /** Exclusive UTC bound (the day after the "to" date). */
  to?: Date;
  /** Order id or user id, exact or prefix. */
  q?: string;
  userId?: string;
}

/** One order as lists show it. */
export interface OrderRow {
  order_id: string;
  user_id: string | null;
  status: string;
  total: number;
  currency: string;
  revenue_base: number | null;
  base_currency: string;
  campaign: string | null;
  channel: string | null;
  city: string | null;
  country_code: string | null;
  created_at: Date;
  items: number;
}

function where(sql: Sql, filter: OrderFilter) {
  const empty = sql``;
  const q = filter.q === undefined ? undefined : likePrefix(filter.q);
  return sql`WHERE true
    ${filter.status !== undefined ? sql`AND o.status = ${filter.status}` : empty}
    ${filter.from !== undefined ? sql`AND o.created_at >= ${filter.from}` : empty}
    ${filter.to !== undefined ? sql`AND o.created_at < ${filter.to}` : empty}
    ${filter.userId !== undefined ? sql`AND o.user_id = ${filter.userId}` : empty}
    ${q !== undefined ? sql`AND (o.order_id LIKE ${q} OR o.user_id LIKE ${q})` : empty}`;
}

/** A page of orders, newest first, and the total matching count. */
export async function listOrders(
  sql: Sql,
  filter: OrderFilter,
  opts: { offset: number; limit: number },
): Promise<{ rows: OrderRow[]; total: number }> {
  const condition = where(sql, filter);
  const rows = await sql<OrderRow[]>`
    SELECT o.order_id, o.user_id, o.status, o.total::float8 AS total, o.currency,
           (${sql.unsafe(REVENUE_SQL)})::float8 AS revenue_base, o.base_currency,
           o.campaign, o.channel, o.city, o.country_code, o.created_at,
           (SELECT COALESCE(sum(quantity), 0)::int FROM order_items i WHERE i.order_id = o.order_id) AS items
    FROM orders o ${condition}
    ORDER BY o.created_at DESC, o.order_id
    LIMIT ${opts.limit} OFFSET ${opts.offset}`;
  const [count] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM orders o ${
    where(sql, filter)
  }`;
  return { rows, total: count?.n ?? 0 };
}

/** The statuses present in the store, for the filter menu. */
export async function orderStatuses(sql: Sql): Promise<string[]> {
  const rows = await sql<{ status: string }[]>`SELECT DISTINCT status FROM orders ORDER BY status`;
  return rows.map((row) => row.status);
}

/** One line of an order with its product. */
export interface OrderItem {
  line_no: number;
  product_id: string;
  name: string | null;
  category: string | null;
  quantity: number;
  unit_price: number;
}

/** An order with its lines and the context it was placed in. */
export interface OrderDetail extends OrderRow {
  event_id: string;
  anonymous_id: string | null;
  session_id: string | null;
  user_tier: string | null;
  lines: OrderItem[];
}

/** The order `orderId`, or null when there is none. */
export async function getOrder(sql: Sql, orderId: string): Promise<OrderDetail | null> {
  const [order] = await sql<Omit<OrderDetail, "lines">[]>`
    SELECT o.order_id, o.event_id, o.user_id, o.anonymous_id, o.session_id, o.status,
           o.total::float8 AS total, o.currency, (${
    sql.unsafe(REVENUE_SQL)
  })::float8 AS revenue_base,
           o.base_currency, o.campaign, o.channel, o.city, o.country_code, o.created_at,
           (SELECT COALESCE(sum(quantity), 0)::int FROM order_items i WHERE i.order_id = o.order_id) AS items,
           u.tier AS user_tier
    FROM orders o LEFT JOIN users u ON u.user_id = o.user_id
    WHERE o.order_id = ${orderId}`;
  if (order === undefined) return null;
  const lines = await sql<OrderItem[]>`
    SELECT i.line_no, i.product_id, p.name, p.category, i.quantity, i.unit_price::float8 AS unit_price
    FROM order_items i LEFT JOIN products p ON p.product_id = i.product_id
    WHERE i.order_id = ${orderId}
    ORDER BY i.line_no`;
  return { ...order, lines };
}
