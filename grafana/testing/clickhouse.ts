/**
 * Test fixture: a throwaway ClickHouse database migrated with the real migrations, seeded with a
 * small shop whose dashboard numbers are known (see SEED_EXPECTATIONS in dashboards_test.ts).
 * @module
 */
import { type ClickHouseClient, createClickHouse } from "../../shared/clickhouse/mod.ts";
import { migrateClickHouse } from "../../shared/clickhouse/migrate.ts";

/** The end of the dashboard range the seed is laid out against. */
export const TO = new Date("2026-01-15T12:00:00Z");
/** 30 days earlier, as in the business dashboard's default range. */
export const FROM = new Date(TO.getTime() - 30 * 86_400_000);

/** A migrated test database; `[Symbol.asyncDispose]` drops it. */
export interface ClickHouseFixture extends AsyncDisposable {
  client: ClickHouseClient;
  /** The read-only reader Grafana's datasource logs in as (the writer when none is given). */
  reader: ClickHouseClient;
  database: string;
}

/** Creates and migrates `eventflow_test_grafana_<random>` on the server at `url`. */
export async function createTestDatabase(url: string): Promise<ClickHouseFixture> {
  const database = `eventflow_test_grafana_${crypto.randomUUID().slice(0, 8)}`;
  const client = createClickHouse({
    url,
    database: "default",
    // The stack's writer (infra/test.ts): the fixture creates and drops its database.
    username: Deno.env.get("CLICKHOUSE_USER") ?? "default",
    password: Deno.env.get("CLICKHOUSE_PASSWORD") ?? "",
  });
  await migrateClickHouse(client, { database });
  const reader = createClickHouse({
    url,
    database: "default",
    username: Deno.env.get("CLICKHOUSE_READER_USER") ?? Deno.env.get("CLICKHOUSE_USER") ??
      "default",
    password: Deno.env.get("CLICKHOUSE_READER_PASSWORD") ?? Deno.env.get("CLICKHOUSE_PASSWORD") ??
      "",
  });
  return {
    client,
    reader,
    database,
    async [Symbol.asyncDispose]() {
      if (!database.startsWith("eventflow_test_")) throw new Error(`Refusing to drop ${database}`);
      await client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      await Promise.all([client.close(), reader.close()]);
    },
  };
}

let sequence = 0;

/** One row of `events` with the given fields; everything else takes its column default. */
function event(fields: Record<string, unknown>): Record<string, unknown> {
  const timestamp = fields.timestamp as string;
  return {
    event_id: `seed-${++sequence}`,
    type: "track",
    received_at: timestamp,
    enriched_at: timestamp,
    platform: "web",
    properties: "{}",
    traits: "{}",
    context: "{}",
    ...fields,
  };
}

const PURCHASE_1 = event({
  event: "purchase",
  timestamp: "2026-01-14T10:04:00.000Z",
  user_id: "u1",
  session_id: "s1",
  revenue: 100,
  currency: "EUR",
  revenue_base: 100,
  base_currency: "USD",
  campaigns: ["winter-sale"],
  properties: JSON.stringify({
    order_id: "o1",
    products: [{ product_id: "p1", name: "Boots", price: 60 }, {
      product_id: "p2",
      name: "Socks",
      price: 40,
    }],
  }),
});

/**
 * The shop: u1 goes view → click → cart → purchase (100) on Jan 14 in a session from the
 * "spring" email campaign; u2 views on Jan 14 and clicks/carts on Jan 15 without buying; u3 views
 * and buys (50) on Jan 15; a bot views on Jan 15. u1's purchase arrives twice (redelivery).
 */
export function seedRows(): Record<string, unknown>[][] {
  const berlin = { geo_country: "Germany", geo_country_code: "DE", geo_city: "Berlin" };
  const u1 = {
    user_id: "u1",
    session_id: "s1",
    device_type: "mobile",
    device_os: "iOS",
    ...berlin,
  };
  const u2 = { anonymous_id: "a2", session_id: "s2", device_type: "desktop", device_os: "Windows" };
  const u3 = { user_id: "u3", session_id: "s3", device_type: "desktop", device_os: "macOS" };
  const first = [
    event({
      ...u1,
      type: "page",
      event: "page_view",
      timestamp: "2026-01-14T10:00:00.000Z",
      utm_campaign: "spring",
      utm_source: "newsletter",
      utm_medium: "email",
      channel: "email",
    }),
    event({
      ...u1,
      event: "product_clicked",
      timestamp: "2026-01-14T10:01:00.000Z",
      product_id: "p1",
    }),
    event({ ...u1, event: "add_to_cart", timestamp: "2026-01-14T10:02:00.000Z", product_id: "p1" }),
    { ...PURCHASE_1, ...u1, inserted_at: "2026-01-14T10:04:01.000Z" },
    event({
      ...u2,
      type: "page",
      event: "page_view",
      timestamp: "2026-01-14T20:00:00.000Z",
      channel: "search",
    }),
  ];
  const second = [
    // The same purchase again, written later: FINAL keeps one.
    { ...PURCHASE_1, ...u1, inserted_at: "2026-01-15T09:00:00.000Z" },
    event({
      ...u2,
      event: "product_clicked",
      timestamp: "2026-01-15T08:00:00.000Z",
      product_id: "p2",
    }),
    event({ ...u2, event: "add_to_cart", timestamp: "2026-01-15T08:01:00.000Z", product_id: "p2" }),
    event({
      ...u3,
      type: "page",
      event: "page_view",
      timestamp: "2026-01-15T09:00:00.000Z",
      ...berlin,
    }),
    event({
      ...u3,
      event: "order_completed",
      timestamp: "2026-01-15T09:05:00.000Z",
      product_id: "p3",
      product_name: "Hat",
      revenue_base: 50,
      base_currency: "USD",
      geo_country: "France",
      geo_city: "Paris",
    }),
    event({
      anonymous_id: "bot1",
      session_id: "sb",
      is_bot: true,
      type: "page",
      event: "page_view",
      timestamp: "2026-01-15T10:00:00.000Z",
    }),
  ];
  return [first, second];
}

/** Inserts the seed as two separate inserts (so the duplicate purchase is a separate part). */
export async function seed(fixture: ClickHouseFixture): Promise<void> {
  for (const rows of seedRows()) {
    await fixture.client.insert({
      table: `${fixture.database}.events`,
      values: rows,
      format: "JSONEachRow",
    });
  }
}
