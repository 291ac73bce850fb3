/** PostgreSQL reads of the orders pages. */
import type { Sql } from "../../shared/postgres/mod.ts";
import { likeContains, likePrefix } from "./stores.ts";
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
  /** Customer: user id prefix, or part of the email or name trait. */
  customer?: string;
  /** Product: exact product id, or part of its name, on any line of the order. */
  product?: string;
  /** City, case-insensitive. */
  city?: string;
  /** Attributed campaign (utm_campaign or campaign id as recorded on the order). */
  campaign?: string;
  /** Revenue in the base currency at least / at most this. */
  minAmount?: number;
  maxAmount?: number;
}

/** Columns the purchases list can be sorted by. */
export const ORDER_SORTS = ["created_at", "revenue", "city", "status", "order_id"] as const;
/** A sort column of the purchases list. */
export type OrderSort = typeof ORDER_SORTS[number];

/** Sort column and direction. */
export interface OrderOrder {
  sort: OrderSort;
  dir: "asc" | "desc";
}

function orderBy(sql: Sql, order: OrderOrder = { sort: "created_at", dir: "desc" }) {
  const column = {
    created_at: sql`o.created_at`,
    revenue: sql`(${sql.unsafe(REVENUE_SQL)})`,
    city: sql`o.city`,
    status: sql`o.status`,
    order_id: sql`o.order_id`,
  }[order.sort];
  const dir = order.dir === "asc" ? sql`ASC NULLS FIRST` : sql`DESC NULLS LAST`;
  return sql`ORDER BY ${column} ${dir}, o.order_id`;
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
    ${q !== undefined ? sql`AND (o.order_id LIKE ${q} OR o.user_id LIKE ${q})` : empty}
    ${
    filter.customer !== undefined
      ? sql`AND (o.user_id LIKE ${likePrefix(filter.customer)} OR EXISTS (
          SELECT 1 FROM users u WHERE u.user_id = o.user_id
            AND (u.traits->>'email' ILIKE ${likeContains(filter.customer)}
              OR u.traits->>'name' ILIKE ${likeContains(filter.customer)})))`
      : empty
  }
    ${
    filter.product !== undefined
      ? sql`AND EXISTS (SELECT 1 FROM order_items i LEFT JOIN products p ON p.product_id = i.product_id
          WHERE i.order_id = o.order_id
            AND (i.product_id = ${filter.product} OR p.name ILIKE ${likeContains(filter.product)}))`
      : empty
  }
    ${filter.city !== undefined ? sql`AND lower(o.city) = lower(${filter.city})` : empty}
    ${filter.campaign !== undefined ? sql`AND o.campaign = ${filter.campaign}` : empty}
    ${
    filter.minAmount !== undefined
      ? sql`AND (${sql.unsafe(REVENUE_SQL)}) >= ${filter.minAmount}`
      : empty
  }
    ${
    filter.maxAmount !== undefined
      ? sql`AND (${sql.unsafe(REVENUE_SQL)}) <= ${filter.maxAmount}`
      : empty
  }`;
}

/** A page of orders, newest first, and the total matching count. */
export async function listOrders(
  sql: Sql,
  filter: OrderFilter,
  opts: { offset: number; limit: number; order?: OrderOrder },
): Promise<{ rows: OrderRow[]; total: number }> {
  const rows = await sql<OrderRow[]>`${selectOrders(sql, filter, opts.order)}
    LIMIT ${opts.limit} OFFSET ${opts.offset}`;
  const [count] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM orders o ${
    where(sql, filter)
  }`;
  return { rows, total: count?.n ?? 0 };
}

function selectOrders(sql: Sql, filter: OrderFilter, order?: OrderOrder) {
  return sql`
    SELECT o.order_id, o.user_id, o.status, o.total::float8 AS total, o.currency,
           (${sql.unsafe(REVENUE_SQL)})::float8 AS revenue_base, o.base_currency,
           o.campaign, o.channel, o.city, o.country_code, o.created_at,
           (SELECT COALESCE(sum(quantity), 0)::int FROM order_items i WHERE i.order_id = o.order_id) AS items
    FROM orders o ${where(sql, filter)}
    ${orderBy(sql, order)}`;
}

/** Every matching order in batches of `batch`, read through a cursor (for CSV export). */
export async function* streamOrders(
  sql: Sql,
  filter: OrderFilter,
  opts: { order?: OrderOrder; batch?: number } = {},
): AsyncGenerator<OrderRow[]> {
  const query = sql<OrderRow[]>`${selectOrders(sql, filter, opts.order)}`;
  for await (const rows of query.cursor(opts.batch ?? 500)) yield rows;
}

/** Distinct non-empty values of a column for filter menus (cities, campaigns). */
export async function orderFacets(sql: Sql): Promise<{ cities: string[]; campaigns: string[] }> {
  const [cities, campaigns] = await Promise.all([
    sql<
      { v: string }[]
    >`SELECT DISTINCT city AS v FROM orders WHERE city <> '' ORDER BY 1 LIMIT 200`,
    sql<
      { v: string }[]
    >`SELECT DISTINCT campaign AS v FROM orders WHERE campaign <> '' ORDER BY 1 LIMIT 200`,
  ]);
  return { cities: cities.map((r) => r.v), campaigns: campaigns.map((r) => r.v) };
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
