/** PostgreSQL reads of the customers pages. */
import type { Sql } from "../../shared/postgres/mod.ts";
import { likePrefix } from "./stores.ts";
import { NON_SALE_STATUSES, REVENUE_SQL } from "./pg_overview.ts";

/** One customer as the list shows them. */
export interface UserRow {
  user_id: string;
  tier: string;
  email: string | null;
  name: string | null;
  country_code: string | null;
  first_seen: Date;
  signup_at: Date | null;
  orders: number;
  /** Lifetime revenue in the base currency (sales statuses only). */
  revenue: number;
}

/** Filters of the customers list. */
export interface UserFilter {
  /** User id prefix, or email/name substring. */
  q?: string;
  tier?: string;
}

function where(sql: Sql, filter: UserFilter) {
  const empty = sql``;
  let search = empty;
  if (filter.q !== undefined) {
    const prefix = likePrefix(filter.q);
    const contains = `%${prefix}`;
    search = sql`AND (u.user_id LIKE ${prefix} OR u.traits->>'email' ILIKE ${contains}
      OR u.traits->>'name' ILIKE ${contains})`;
  }
  return sql`WHERE true
    ${filter.tier !== undefined ? sql`AND u.tier = ${filter.tier}` : empty}
    ${search}`;
}

/** A page of customers, most recently seen first, and the total matching count. */
export async function listUsers(
  sql: Sql,
  filter: UserFilter,
  opts: { offset: number; limit: number },
): Promise<{ rows: UserRow[]; total: number }> {
  const rows = await sql<UserRow[]>`
    SELECT u.user_id, u.tier, u.traits->>'email' AS email, u.traits->>'name' AS name,
           u.country_code, u.first_seen, u.signup_at,
           COALESCE(s.orders, 0)::int AS orders, COALESCE(s.revenue, 0)::float8 AS revenue
    FROM users u
    LEFT JOIN LATERAL (
      SELECT count(*) AS orders, sum(${sql.unsafe(REVENUE_SQL)}) AS revenue
      FROM orders o WHERE o.user_id = u.user_id AND o.status <> ALL(${NON_SALE_STATUSES})
    ) s ON true
    ${where(sql, filter)}
    ORDER BY u.updated_at DESC, u.user_id
    LIMIT ${opts.limit} OFFSET ${opts.offset}`;
  const [count] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM users u ${
    where(sql, filter)
  }`;
  return { rows, total: count?.n ?? 0 };
}

/** The tiers present in the store, for the filter menu. */
export async function userTiers(sql: Sql): Promise<string[]> {
  const rows = await sql<{ tier: string }[]>`SELECT DISTINCT tier FROM users ORDER BY tier`;
  return rows.map((row) => row.tier);
}

/** A customer's profile with everything PostgreSQL knows about them. */
export interface UserDetail {
  user_id: string;
  tier: string;
  country_code: string | null;
  signup_at: Date | null;
  first_seen: Date;
  updated_at: Date;
  traits: Record<string, unknown>;
  signup: {
    method: string | null;
    platform: string | null;
    source_id: string | null;
    signed_up_at: Date;
  } | null;
  reviews: Array<
    {
      event_id: string;
      product_id: string;
      name: string | null;
      rating: number;
      body: string | null;
      created_at: Date;
    }
  >;
  anonymous_ids: string[];
  totals: { orders: number; revenue: number };
}

/** The customer `userId`, or null when there is none. */
export async function getUser(sql: Sql, userId: string): Promise<UserDetail | null> {
  const [user] = await sql<Omit<UserDetail, "signup" | "reviews" | "anonymous_ids" | "totals">[]>`
    SELECT user_id, tier, country_code, signup_at, first_seen, updated_at, traits
    FROM users WHERE user_id = ${userId}`;
  if (user === undefined) return null;
  const [signup] = await sql<NonNullable<UserDetail["signup"]>[]>`
    SELECT method, platform, source_id, signed_up_at FROM signups WHERE user_id = ${userId}`;
  const reviews = await sql<UserDetail["reviews"]>`
    SELECT r.event_id, r.product_id, p.name, r.rating, r.body, r.created_at
    FROM reviews r LEFT JOIN products p ON p.product_id = r.product_id
    WHERE r.user_id = ${userId} ORDER BY r.created_at DESC LIMIT 50`;
  const identities = await sql<{ anonymous_id: string }[]>`
    SELECT anonymous_id FROM identities WHERE user_id = ${userId} ORDER BY linked_at LIMIT 20`;
  const [totals] = await sql<{ orders: number; revenue: number }[]>`
    SELECT count(*)::int AS orders, COALESCE(sum(${sql.unsafe(REVENUE_SQL)}), 0)::float8 AS revenue
    FROM orders o WHERE o.user_id = ${userId} AND o.status <> ALL(${NON_SALE_STATUSES})`;
  return {
    ...user,
    signup: signup ?? null,
    reviews,
    anonymous_ids: identities.map((row) => row.anonymous_id),
    totals: totals ?? { orders: 0, revenue: 0 },
  };
}
