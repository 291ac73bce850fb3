/** One person's rows in ClickHouse: find their anonymous ids, export the rows, delete them. */
import type { ClickHouseClient } from "../clickhouse/mod.ts";
import { CLICKHOUSE_TABLES, type Subject } from "./catalogue.ts";

/** Anonymous ids on events that carry `userId` too. */
export async function clickhouseLinks(ch: ClickHouseClient, userId: string): Promise<string[]> {
  const result = await ch.query({
    query: `SELECT DISTINCT anonymous_id AS id FROM events
            WHERE user_id = {user:String} AND anonymous_id != '' ORDER BY id`,
    query_params: { user: userId },
    format: "JSONEachRow",
  });
  return (await result.json<{ id: string }>()).map((r) => r.id);
}

function params(subject: Subject) {
  return { user: subject.userId, anons: subject.anonymousIds };
}

/** Every row about the subject, per table (duplicates not yet merged away collapsed by FINAL). */
export async function exportClickHouse(
  ch: ClickHouseClient,
  subject: Subject,
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const { table, where, order } of CLICKHOUSE_TABLES) {
    const result = await ch.query({
      query: `SELECT * FROM ${table} FINAL WHERE ${where} ORDER BY ${order}`,
      query_params: params(subject),
      format: "JSONEachRow",
    });
    out[table] = await result.json();
  }
  return out;
}

/**
 * Deletes the subject's rows with a mutation that has finished when this returns
 * (`mutations_sync = 2`); needs a user allowed to ALTER (the writer). Returns the rows counted
 * just before, per table.
 */
export async function forgetClickHouse(
  ch: ClickHouseClient,
  subject: Subject,
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const { table, where } of CLICKHOUSE_TABLES) {
    const counted = await ch.query({
      query: `SELECT count() AS n FROM ${table} WHERE ${where}`,
      query_params: params(subject),
      format: "JSONEachRow",
    });
    deleted[table] = Number((await counted.json<{ n: string }>())[0]?.n ?? 0);
    if (deleted[table] === 0) continue;
    await ch.command({
      query: `ALTER TABLE ${table} DELETE WHERE ${where}`,
      query_params: params(subject),
      clickhouse_settings: { mutations_sync: "2" },
    });
  }
  return deleted;
}
