/**
 * The campaign side of signups, which only ClickHouse keeps (PostgreSQL's `signups` row has no
 * marketing fields): the utm_campaign of given signup events.
 */
import type { ClickHouseClient } from "../../shared/clickhouse/mod.ts";

// Ids travel in the URL as a query parameter; 500 keeps it well under URL length limits.
const CHUNK = 500;

/** `event_id → utm_campaign` for the given events (those without a campaign are left out). */
export async function signupCampaigns(
  ch: ClickHouseClient,
  eventIds: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < eventIds.length; i += CHUNK) {
    for (const [id, campaign] of await lookup(ch, eventIds.slice(i, i + CHUNK))) {
      found.set(id, campaign);
    }
  }
  return found;
}

async function lookup(ch: ClickHouseClient, eventIds: string[]): Promise<[string, string][]> {
  const result = await ch.query({
    query: `SELECT event_id, any(utm_campaign) AS campaign FROM events
      WHERE event_id IN {ids:Array(String)} AND utm_campaign != '' GROUP BY event_id`,
    query_params: { ids: eventIds },
    format: "JSONEachRow",
  });
  const rows = await result.json<{ event_id: string; campaign: string }>();
  return rows.map((r) => [r.event_id, r.campaign]);
}
