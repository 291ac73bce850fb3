/** One person's rows in PostgreSQL: find their anonymous ids, export the rows, delete them. */
import type { Sql } from "../postgres/mod.ts";
import { POSTGRES_TABLES, type Subject } from "./catalogue.ts";

/** Anonymous ids PostgreSQL links to `userId`: identities, and rows that carry both ids. */
export async function postgresLinks(
  sql: Sql,
  userId: string,
): Promise<{ identities: string[]; seenWithUser: string[] }> {
  const identities = await sql<{ id: string }[]>`
    SELECT anonymous_id AS id FROM identities WHERE user_id = ${userId}`;
  const seen = await sql<{ id: string }[]>`
    SELECT anonymous_id AS id FROM sessions WHERE user_id = ${userId} AND anonymous_id IS NOT NULL
    UNION SELECT anonymous_id FROM orders WHERE user_id = ${userId} AND anonymous_id IS NOT NULL
    UNION SELECT anonymous_id FROM business_events
      WHERE user_id = ${userId} AND anonymous_id IS NOT NULL`;
  return { identities: identities.map((r) => r.id), seenWithUser: seen.map((r) => r.id) };
}

/** Of `anonymousIds`, those `identities` links to a user other than `userId`. */
export async function linkedToOthers(
  sql: Sql,
  userId: string,
  anonymousIds: string[],
): Promise<string[]> {
  if (anonymousIds.length === 0) return [];
  const rows = await sql<{ id: string }[]>`
    SELECT anonymous_id AS id FROM identities
    WHERE anonymous_id = ANY(${anonymousIds}::text[]) AND user_id <> ${userId}`;
  return rows.map((r) => r.id);
}

/** `$1` the user id, and `$2` the anonymous ids when `where` uses them (PostgreSQL must type it). */
function paramsFor(where: string, subject: Subject): (string | string[])[] {
  return where.includes("$2") ? [subject.userId, subject.anonymousIds] : [subject.userId];
}

/** Every row about the subject, per table, as JSON objects (column → value). */
export async function exportPostgres(
  sql: Sql,
  subject: Subject,
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const { table, where, order } of POSTGRES_TABLES) {
    const rows = await sql.unsafe<{ row: unknown }[]>(
      `SELECT to_jsonb(t) AS row FROM ${table} t WHERE ${where} ORDER BY ${order}`,
      paramsFor(where, subject),
    );
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

/**
 * Deletes every row about the subject in one transaction (all or nothing); returns the rows
 * deleted per table. Another person's order that points at one of the subject's sessions keeps
 * its row, with the session link cleared.
 */
export async function forgetPostgres(sql: Sql, subject: Subject): Promise<Record<string, number>> {
  return await sql.begin(async (tx) => {
    const deleted: Record<string, number> = {};
    for (const { table, where } of POSTGRES_TABLES) {
      if (table === "sessions") {
        const sessions = POSTGRES_TABLES.find((t) => t.table === "sessions")!.where;
        await tx.unsafe(
          `UPDATE orders SET session_id = NULL
           WHERE session_id IN (SELECT session_id FROM sessions WHERE ${sessions})`,
          paramsFor(sessions, subject),
        );
      }
      const result = await tx.unsafe(
        `DELETE FROM ${table} WHERE ${where}`,
        paramsFor(where, subject),
      );
      deleted[table] = result.count;
    }
    return deleted;
  });
}
