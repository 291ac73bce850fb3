/** PostgreSQL reads of the signups list and its CSV export. */
import type { Sql } from "../../shared/postgres/mod.ts";

/** Filters of the signups list; every field optional. */
export interface SignupFilter {
  from?: Date;
  to?: Date;
  platform?: string;
  country?: string;
  /** Only these signup event ids (the campaign filter, resolved in ClickHouse). */
  eventIds?: string[];
}

/** One signup as the list shows it. */
export interface SignupRow {
  user_id: string;
  event_id: string;
  signed_up_at: Date;
  method: string | null;
  platform: string | null;
  country_code: string | null;
  email: string | null;
  name: string | null;
}

function where(sql: Sql, filter: SignupFilter) {
  const empty = sql``;
  return sql`WHERE true
    ${filter.from !== undefined ? sql`AND s.signed_up_at >= ${filter.from}` : empty}
    ${filter.to !== undefined ? sql`AND s.signed_up_at < ${filter.to}` : empty}
    ${filter.platform !== undefined ? sql`AND s.platform = ${filter.platform}` : empty}
    ${filter.country !== undefined ? sql`AND u.country_code = ${filter.country}` : empty}
    ${filter.eventIds !== undefined ? sql`AND s.event_id = ANY(${filter.eventIds})` : empty}`;
}

function select(sql: Sql, filter: SignupFilter) {
  return sql`SELECT s.user_id, s.event_id, s.signed_up_at, s.method, s.platform, u.country_code,
      u.traits->>'email' AS email, u.traits->>'name' AS name
    FROM signups s JOIN users u ON u.user_id = s.user_id
    ${where(sql, filter)}
    ORDER BY s.signed_up_at DESC, s.user_id`;
}

/** A page of signups, newest first, and the total matching count. */
export async function listSignups(
  sql: Sql,
  filter: SignupFilter,
  opts: { offset: number; limit: number },
): Promise<{ rows: SignupRow[]; total: number }> {
  const rows = await sql<SignupRow[]>`${select(sql, filter)}
    LIMIT ${opts.limit} OFFSET ${opts.offset}`;
  const [count] = await sql<{ n: number }[]>`SELECT count(*)::int AS n
    FROM signups s JOIN users u ON u.user_id = s.user_id ${where(sql, filter)}`;
  return { rows, total: count?.n ?? 0 };
}

/** Every matching signup in batches, through a cursor (CSV export). */
export async function* streamSignups(
  sql: Sql,
  filter: SignupFilter,
  opts: { batch?: number } = {},
): AsyncGenerator<SignupRow[]> {
  for await (const rows of sql<SignupRow[]>`${select(sql, filter)}`.cursor(opts.batch ?? 500)) {
    yield rows;
  }
}

/** Platforms and countries present among signups, for the filter menus. */
export async function signupFacets(
  sql: Sql,
): Promise<{ platforms: string[]; countries: string[] }> {
  const [platforms, countries] = await Promise.all([
    sql<
      { v: string }[]
    >`SELECT DISTINCT platform AS v FROM signups WHERE platform <> '' ORDER BY 1`,
    sql<{ v: string }[]>`SELECT DISTINCT u.country_code AS v FROM signups s
      JOIN users u ON u.user_id = s.user_id WHERE u.country_code <> '' ORDER BY 1 LIMIT 300`,
  ]);
  return { platforms: platforms.map((r) => r.v), countries: countries.map((r) => r.v) };
}

/** Event ids of every signup matching `filter` (at most `limit`), for the campaign filter. */
export async function signupEventIds(
  sql: Sql,
  filter: SignupFilter,
  limit: number,
): Promise<string[]> {
  const rows = await sql<{ event_id: string }[]>`SELECT s.event_id
    FROM signups s JOIN users u ON u.user_id = s.user_id ${where(sql, filter)} LIMIT ${limit}`;
  return rows.map((r) => r.event_id);
}
