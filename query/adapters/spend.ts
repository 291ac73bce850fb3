/** Campaign spend per day, in PostgreSQL `campaign_spend`, set by the shop through the API. */
import type { Sql } from "../../shared/postgres/mod.ts";

/** Spend of one campaign on one day. */
export interface SpendEntry {
  campaign: string;
  /** YYYY-MM-DD. */
  day: string;
  amount: number;
  currency: string;
}

/** The spend store. */
export interface SpendStore {
  /** Inserts or replaces entries (one per campaign and day). */
  set(entries: SpendEntry[]): Promise<void>;
  /** Entries of days in [fromDay, toDay], optionally of some campaigns only. */
  list(opts: { fromDay: string; toDay: string; campaigns?: string[] }): Promise<SpendEntry[]>;
  /** Spend per campaign summed over [fromDay, toDay]. */
  totals(opts: { fromDay: string; toDay: string }): Promise<Map<string, number>>;
}

/** The PostgreSQL spend store. */
export function createSpendStore(sql: Sql): SpendStore {
  return {
    async set(entries) {
      if (entries.length === 0) return;
      await sql`INSERT INTO campaign_spend ${
        sql(
          entries.map((e) => ({ ...e, amount: e.amount.toFixed(2) })),
          "campaign",
          "day",
          "amount",
          "currency",
        )
      }
        ON CONFLICT (campaign, day) DO UPDATE
        SET amount = EXCLUDED.amount, currency = EXCLUDED.currency, updated_at = now()`;
    },
    async list({ fromDay, toDay, campaigns }) {
      const rows = await sql<{ campaign: string; day: string; amount: string; currency: string }[]>`
        SELECT campaign, to_char(day, 'YYYY-MM-DD') AS day, amount::text AS amount, currency
        FROM campaign_spend WHERE day BETWEEN ${fromDay} AND ${toDay}
        ${campaigns === undefined ? sql`` : sql`AND campaign = ANY(${campaigns})`}
        ORDER BY day, campaign`;
      return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
    },
    async totals({ fromDay, toDay }) {
      const rows = await sql<{ campaign: string; amount: string }[]>`
        SELECT campaign, sum(amount)::text AS amount FROM campaign_spend
        WHERE day BETWEEN ${fromDay} AND ${toDay} GROUP BY campaign`;
      return new Map(rows.map((r) => [r.campaign, Number(r.amount)]));
    },
  };
}
