/** Store reads for the end-to-end tests. */
import type { ClickHouseClient } from "../../shared/clickhouse/mod.ts";
import type { Sql } from "../../shared/postgres/mod.ts";

/** Every ClickHouse `events` row (all columns, FINAL) whose event id starts with `idPrefix`. */
export async function chRows(
  ch: ClickHouseClient,
  idPrefix: string,
): Promise<Record<string, unknown>[]> {
  const result = await ch.query({
    query: `SELECT * FROM events FINAL WHERE startsWith(event_id, {p:String})`,
    query_params: { p: idPrefix },
    format: "JSONEachRow",
  });
  return await result.json<Record<string, unknown>>();
}

/** PostgreSQL rows of one test, as JSON text per table (ids all start with `prefix`). */
async function postgresRows(sql: Sql, prefix: string): Promise<Record<string, string[]>> {
  const like = `${prefix}%`;
  const text = (rows: { j: string }[]) => rows.map((r) => r.j);
  return {
    users: text(
      await sql`SELECT row_to_json(t)::text AS j FROM users t WHERE user_id LIKE ${like}`,
    ),
    identities: text(
      await sql`SELECT row_to_json(t)::text AS j FROM identities t WHERE anonymous_id LIKE ${like}`,
    ),
    sessions: text(
      await sql`SELECT row_to_json(t)::text AS j FROM sessions t WHERE session_id LIKE ${like}`,
    ),
    orders: text(
      await sql`SELECT row_to_json(t)::text AS j FROM orders t WHERE order_id LIKE ${like}`,
    ),
    order_items: text(
      await sql`SELECT row_to_json(t)::text AS j FROM order_items t WHERE order_id LIKE ${like}`,
    ),
    signups: text(
      await sql`SELECT row_to_json(t)::text AS j FROM signups t WHERE user_id LIKE ${like}`,
    ),
    reviews: text(
      await sql`SELECT row_to_json(t)::text AS j FROM reviews t WHERE event_id LIKE ${like}`,
    ),
    business_events: text(
      await sql`SELECT row_to_json(t)::text AS j FROM business_events t WHERE event_id LIKE ${like}`,
    ),
  };
}

/**
 * Fails naming the table and row when any of `secrets` appears in any ClickHouse column or
 * PostgreSQL row of the test with id prefix `prefix`; also fails when there is nothing to search.
 */
export async function absentEverywhere(
  stores: { sql: Sql; ch: ClickHouseClient },
  prefix: string,
  secrets: string[],
): Promise<void> {
  const tables: Record<string, string[]> = {
    "clickhouse events": (await chRows(stores.ch, prefix)).map((r) => JSON.stringify(r)),
    ...await postgresRows(stores.sql, prefix),
  };
  for (const [table, rows] of Object.entries(tables)) {
    if (rows.length === 0) throw new Error(`No ${table} rows under ${prefix} to search for PII`);
    for (const row of rows) {
      for (const secret of secrets) {
        if (row.includes(secret)) throw new Error(`${table} row holds "${secret}": ${row}`);
      }
    }
  }
}
