/** The user's row in PostgreSQL, for the one-user question. */
import type { Sql } from "../../shared/postgres/mod.ts";

/** What PostgreSQL knows about a user. */
export interface StoredProfile {
  user_id: string;
  tier: string;
  signup_at: string | null;
  country_code: string | null;
  traits: Record<string, unknown>;
  first_seen: string;
}

/** Looks a user up by id; null when PostgreSQL has no row. */
export type ProfileLookup = (userId: string) => Promise<StoredProfile | null>;

/** The PostgreSQL profile lookup. */
export function createProfileLookup(sql: Sql): ProfileLookup {
  return async (userId) => {
    const rows = await sql<
      {
        user_id: string;
        tier: string;
        signup_at: Date | null;
        country_code: string | null;
        traits: Record<string, unknown>;
        first_seen: Date;
      }[]
    >`SELECT user_id, tier, signup_at, country_code, traits, first_seen FROM users
      WHERE user_id = ${userId}`;
    const r = rows[0];
    if (r === undefined) return null;
    return {
      ...r,
      signup_at: r.signup_at?.toISOString() ?? null,
      first_seen: r.first_seen.toISOString(),
    };
  };
}
