/**
 * PostgreSQL lookups for enrichment: users, identities, products, campaigns, currency rates.
 * Every query runs behind a timeout and one circuit breaker, so a slow or down database degrades
 * enrichment (fields null, `enrichment_errors`) instead of stalling the consumer.
 */
import type { Sql } from "../../shared/postgres/mod.ts";
import type { Campaign } from "../steps/marketing.ts";
import type { UserRow } from "../steps/user.ts";
import type { Product } from "../../shared/events/mod.ts";
import type { CircuitBreaker } from "./circuit_breaker.ts";
import { withTimeout } from "../../shared/time.ts";

/** The lookups enrich makes against PostgreSQL. */
export interface PostgresLookups {
  user(userId: string): Promise<UserRow | null>;
  identity(anonymousId: string): Promise<string | null>;
  product(productId: string): Promise<ProductRow | null>;
  campaigns(): Promise<Campaign[]>;
  rates(): Promise<Map<string, number>>;
  /** Many users in one query (`= ANY`); absent ids are not in the map. */
  users(userIds: string[]): Promise<Map<string, UserRow>>;
  /** Many identity links in one query; absent anonymous ids are not in the map. */
  identities(anonymousIds: string[]): Promise<Map<string, string>>;
  /** Many products in one query; absent ids are not in the map. */
  products(productIds: string[]): Promise<Map<string, ProductRow>>;
}

/** A product's catalogue data (the event keeps its own id). */
export type ProductRow = Omit<Product, "product_id">;

type Row = Record<string, unknown>;

function userRow(row: Row): UserRow {
  return {
    tier: row.tier as string | null,
    signup_at: iso(row.signup_at),
    country_code: row.country_code as string | null,
  };
}

function productRow(row: Row): ProductRow {
  return {
    name: row.name as string | null,
    category: row.category as string | null,
    price: row.price as number | null,
    currency: (row.currency as string | null)?.trim() ?? null,
  };
}

function iso(value: unknown): string | null {
  return value instanceof Date ? value.toISOString() : null;
}

/** Creates the lookups over a pool; each call is bounded by `timeoutMs` (default 500). */
export function createPostgresLookups(
  sql: Sql,
  opts: { breaker: CircuitBreaker; timeoutMs?: number },
): PostgresLookups {
  const timeoutMs = opts.timeoutMs ?? 500;
  const guarded = <T>(what: string, run: () => Promise<T>) =>
    opts.breaker.call(() => withTimeout(run(), timeoutMs, { what: `PostgreSQL ${what}` }));
  return {
    user: (userId) =>
      guarded("users lookup", async () => {
        const [row] = await sql`
          SELECT tier, signup_at, country_code FROM users WHERE user_id = ${userId}`;
        return row ? userRow(row) : null;
      }),
    identity: (anonymousId) =>
      guarded("identities lookup", async () => {
        const [row] = await sql`SELECT user_id FROM identities WHERE anonymous_id = ${anonymousId}`;
        return row ? row.user_id as string : null;
      }),
    product: (productId) =>
      guarded("products lookup", async () => {
        const [row] = await sql`
          SELECT name, category, price::float8 AS price, currency
          FROM products WHERE product_id = ${productId}`;
        return row ? productRow(row) : null;
      }),
    campaigns: () =>
      guarded("campaigns load", async () => {
        // Campaigns that ended over 30 days ago cannot match even late (offline-queued) events.
        const rows = await sql`
          SELECT name, utm_campaign, channel, starts_at, ends_at FROM campaigns
          WHERE ends_at > now() - interval '30 days'`;
        return rows.map((row) => ({
          name: row.name as string,
          utm_campaign: row.utm_campaign as string | null,
          channel: row.channel as string | null,
          starts_at: (row.starts_at as Date).getTime(),
          ends_at: (row.ends_at as Date).getTime(),
        }));
      }),
    users: (userIds) =>
      guarded("users lookup", async () => {
        const rows = await sql`
          SELECT user_id, tier, signup_at, country_code FROM users WHERE user_id = ANY(${userIds})`;
        return new Map(rows.map((row) => [row.user_id as string, userRow(row)]));
      }),
    identities: (anonymousIds) =>
      guarded("identities lookup", async () => {
        const rows = await sql`
          SELECT anonymous_id, user_id FROM identities WHERE anonymous_id = ANY(${anonymousIds})`;
        return new Map(rows.map((row) => [row.anonymous_id as string, row.user_id as string]));
      }),
    products: (productIds) =>
      guarded("products lookup", async () => {
        const rows = await sql`
          SELECT product_id, name, category, price::float8 AS price, currency
          FROM products WHERE product_id = ANY(${productIds})`;
        return new Map(rows.map((row) => [row.product_id as string, productRow(row)]));
      }),
    rates: () =>
      guarded("currency_rates load", async () => {
        const rows = await sql`SELECT currency, rate_to_base::float8 AS rate FROM currency_rates`;
        return new Map(rows.map((row) => [(row.currency as string).trim(), row.rate as number]));
      }),
  };
}
