/**
 * The reference data enrichment reads from PostgreSQL (campaigns, catalogue, exchange rates):
 * listed and upserted by the console's Data pages. Each upsert returns the row as it was, for
 * the audit trail.
 */
import type { Sql } from "../../shared/postgres/mod.ts";

/** A campaign as stored. */
export interface CampaignRecord {
  campaign_id: string;
  name: string;
  utm_campaign: string | null;
  channel: string | null;
  starts_at: Date;
  ends_at: Date;
}

/** A catalogue product as stored. */
export interface ProductRecord {
  product_id: string;
  name: string | null;
  category: string | null;
  price: number | null;
  currency: string;
}

/** An exchange rate to the base currency. */
export interface RateRecord {
  currency: string;
  rate_to_base: number;
  updated_at: Date;
}

/** Every campaign, newest start first. */
export function listCampaignRecords(sql: Sql, limit = 500): Promise<CampaignRecord[]> {
  return sql<CampaignRecord[]>`SELECT campaign_id, name, utm_campaign, channel, starts_at, ends_at
    FROM campaigns ORDER BY starts_at DESC, campaign_id LIMIT ${limit}`;
}

/** Inserts or updates a campaign; returns the previous row, if any. */
export async function upsertCampaign(
  sql: Sql,
  c: CampaignRecord,
): Promise<CampaignRecord | undefined> {
  return await sql.begin(async (tx) => {
    const [before] = await tx<CampaignRecord[]>`SELECT campaign_id, name, utm_campaign, channel,
      starts_at, ends_at FROM campaigns WHERE campaign_id = ${c.campaign_id} FOR UPDATE`;
    await tx`INSERT INTO campaigns (campaign_id, name, utm_campaign, channel, starts_at, ends_at)
      VALUES (${c.campaign_id}, ${c.name}, ${c.utm_campaign}, ${c.channel}, ${c.starts_at}, ${c.ends_at})
      ON CONFLICT (campaign_id) DO UPDATE SET name = EXCLUDED.name,
        utm_campaign = EXCLUDED.utm_campaign, channel = EXCLUDED.channel,
        starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at`;
    return before;
  });
}

/** Catalogue products, by id, optionally matching a search. */
export function listProductRecords(
  sql: Sql,
  opts: { limit?: number; q?: string } = {},
): Promise<ProductRecord[]> {
  const q = opts.q === undefined ? undefined : `%${opts.q.replace(/[\\%_]/g, "\\$&")}%`;
  return sql<ProductRecord[]>`SELECT product_id, name, category, price::float8 AS price, currency
    FROM products
    ${q !== undefined ? sql`WHERE product_id ILIKE ${q} OR name ILIKE ${q}` : sql``}
    ORDER BY product_id LIMIT ${opts.limit ?? 200}`;
}

/** Inserts or updates a product; returns the previous row, if any. */
export async function upsertProduct(
  sql: Sql,
  p: ProductRecord,
): Promise<ProductRecord | undefined> {
  return await sql.begin(async (tx) => {
    const [before] = await tx<ProductRecord[]>`SELECT product_id, name, category,
      price::float8 AS price, currency FROM products WHERE product_id = ${p.product_id} FOR UPDATE`;
    await tx`INSERT INTO products (product_id, name, category, price, currency, updated_at)
      VALUES (${p.product_id}, ${p.name}, ${p.category}, ${p.price}, ${p.currency}, now())
      ON CONFLICT (product_id) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category,
        price = EXCLUDED.price, currency = EXCLUDED.currency, updated_at = now()`;
    return before;
  });
}

/** Every exchange rate. */
export function listRates(sql: Sql): Promise<RateRecord[]> {
  return sql<RateRecord[]>`SELECT currency, rate_to_base::float8 AS rate_to_base, updated_at
    FROM currency_rates ORDER BY currency`;
}

/** Inserts or updates a rate; returns the previous rate, if any. */
export async function upsertRate(
  sql: Sql,
  r: { currency: string; rate_to_base: number },
): Promise<number | undefined> {
  return await sql.begin(async (tx) => {
    const [before] = await tx<{ rate: number }[]>`SELECT rate_to_base::float8 AS rate
      FROM currency_rates WHERE currency = ${r.currency} FOR UPDATE`;
    await tx`INSERT INTO currency_rates (currency, rate_to_base, updated_at)
      VALUES (${r.currency}, ${r.rate_to_base}, now())
      ON CONFLICT (currency) DO UPDATE SET rate_to_base = EXCLUDED.rate_to_base, updated_at = now()`;
    return before?.rate;
  });
}
