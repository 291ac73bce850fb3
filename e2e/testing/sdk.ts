/**
 * Finding and removing the events that client libraries sent with their own ids: their message
 * ids and anonymous ids do not carry the test's prefix, so the pipeline's prefix cleanup cannot
 * find them.
 */
import type { Pipeline } from "./pipeline.ts";
import { waitFor } from "../../shared/testing/stores.ts";

/** One stored event, the columns the compatibility tests look at. */
export interface StoredEvent {
  event_id: string;
  event: string;
  original_event: string;
  type: string;
  user_id: string;
  anonymous_id: string;
  url: string;
  properties: string;
  context: string;
  timestamp: string;
  utm_source: string;
  utm_campaign: string;
  click_id_type: string;
  click_id: string;
}

/**
 * ClickHouse events (FINAL) whose anonymous or user id is one of `visitors`, in the order the
 * client recorded them (client_timestamp, then the stored timestamp).
 */
export async function eventsOf(pipeline: Pipeline, visitors: string[]): Promise<StoredEvent[]> {
  const result = await pipeline.stores.ch.query({
    query:
      `SELECT event_id, event, original_event, type, user_id, anonymous_id, url, properties, context,
        timestamp, utm_source, utm_campaign, click_id_type, click_id
      FROM events FINAL
      WHERE has({ids:Array(String)}, anonymous_id) OR has({ids:Array(String)}, user_id)
      ORDER BY client_timestamp, timestamp, event_id`,
    query_params: { ids: visitors },
    format: "JSONEachRow",
  });
  return await result.json<StoredEvent>();
}

/** Polls the visitors' ClickHouse events until `done` holds for them; returns them. */
export async function waitForEvents(
  pipeline: Pipeline,
  visitors: string[],
  opts: { done: (rows: StoredEvent[]) => boolean; what: string },
): Promise<StoredEvent[]> {
  let rows: StoredEvent[] = [];
  await waitFor(async () => opts.done(rows = await eventsOf(pipeline, visitors)), {
    timeoutMs: 60_000,
    message: `${opts.what} in ClickHouse (have ${rows.map((r) => `${r.event_id} ${r.event}`)})`,
  });
  return rows;
}

/** Waits until ClickHouse holds every one of `eventIds`; returns the visitors' events. */
export function waitForEventIds(
  pipeline: Pipeline,
  visitors: string[],
  eventIds: string[],
): Promise<StoredEvent[]> {
  return waitForEvents(pipeline, visitors, {
    done: (rows) => {
      const stored = new Set(rows.map((r) => r.event_id));
      return eventIds.every((id) => stored.has(id));
    },
    what: `events ${eventIds.join(", ")}`,
  });
}

/**
 * Deletes every row of the given visitors: ClickHouse events, PostgreSQL sessions, identities
 * and the orders placed in those sessions (their items cascade).
 */
export async function deleteVisitors(pipeline: Pipeline, visitors: string[]): Promise<void> {
  if (visitors.length === 0) return;
  const { sql, ch } = pipeline.stores;
  await sql`DELETE FROM orders WHERE session_id IN (SELECT session_id FROM sessions
    WHERE anonymous_id = ANY(${visitors}) OR user_id = ANY(${visitors}))`;
  await sql`DELETE FROM sessions WHERE anonymous_id = ANY(${visitors}) OR user_id = ANY(${visitors})`;
  await sql`DELETE FROM identities WHERE anonymous_id = ANY(${visitors})`;
  await ch.command({
    query: `ALTER TABLE events DELETE
      WHERE has({ids:Array(String)}, anonymous_id) OR has({ids:Array(String)}, user_id)`,
    query_params: { ids: visitors },
    clickhouse_settings: { mutations_sync: "2" },
  });
}
