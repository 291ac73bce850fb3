import assert from "node:assert/strict";
import { EVENT_COLUMNS, toDateTime64, toEventRow, toMoney } from "./clickhouse_row.ts";
import { enrichedEvent, shopperSession } from "../testing/events.ts";

const position = { topic: "enriched_events", partition: 3, offset: "1234" };

Deno.test("toEventRow() writes exactly the columns of the events table migration", async () => {
  const sql = await Deno.readTextFile(
    new URL("../../shared/clickhouse/migrations/0001_events.sql", import.meta.url),
  );
  const body = sql.slice(sql.indexOf("(") + 1, sql.indexOf("INDEX "));
  const tableColumns = [...body.matchAll(/^\s{4}(\w+) /gm)].map((m) => m[1])
    .filter((name) => name !== "inserted_at");
  assert.deepEqual([...EVENT_COLUMNS], tableColumns);
  const row = toEventRow(shopperSession("t_")[4]!, position);
  assert.deepEqual(Object.keys(row), tableColumns);
});

Deno.test("toEventRow() flattens enrichments and keeps the Kafka position", () => {
  const row = toEventRow(shopperSession("t_")[4]!, position);
  assert.equal(row.event_id, "t_e5");
  assert.equal(row.timestamp, "2026-03-01 12:04:00.000");
  assert.equal(row.geo_city, "Berlin");
  assert.equal(row.device_browser, "Firefox");
  assert.equal(row.device_os_version, "");
  assert.equal(row.utm_campaign, "spring_sale");
  assert.deepEqual(row.campaigns, ["Spring Sale"]);
  assert.equal(row.revenue, 114.9);
  assert.equal(row.revenue_base, 124.09);
  assert.equal(row.currency, "EUR");
  assert.equal(row.user_id, "t_user");
  assert.equal(JSON.parse(row.properties).items.length, 2);
  assert.equal(row.kafka_partition, 3);
  assert.equal(row.kafka_offset, 1234);
});

Deno.test("toEventRow() maps missing values to empty strings and nulls the table accepts", () => {
  const row = toEventRow(
    enrichedEvent({
      event_id: "x",
      user_id: null,
      client_timestamp: null,
      enrichment_errors: [{ step: "geo", reason: "IP not found" }],
      user: { tier: null, signup_at: "not a date", country_code: null, identity_resolved: true },
    }),
    position,
  );
  assert.equal(row.user_id, "");
  assert.equal(row.client_timestamp, null);
  assert.equal(row.user_signup_at, null);
  assert.equal(row.revenue, null);
  assert.equal(row.currency, "");
  assert.equal(row.identity_resolved, true);
  assert.deepEqual(row.enrichment_errors, ["geo: IP not found"]);
});

Deno.test("toMoney() rounds to the 4 decimals of Decimal(18, 4) and nulls what it cannot hold", () => {
  assert.equal(toMoney(114.9), 114.9);
  assert.equal(toMoney(0.1 + 0.2), 0.3);
  assert.equal(toMoney(1.23456), 1.2346);
  assert.equal(toMoney(-12.34564), -12.3456);
  assert.equal(toMoney(99_999_999_999_999), 99_999_999_999_999);
  assert.equal(toMoney(1e14), null);
  assert.equal(toMoney(-1e20), null);
  assert.equal(toMoney(Number.NaN), null);
  assert.equal(toMoney(Number.POSITIVE_INFINITY), null);
  assert.equal(toMoney(null), null);
});

Deno.test("toEventRow() nulls money the Decimal columns cannot hold instead of failing the batch", () => {
  const row = toEventRow(
    enrichedEvent({
      event_id: "x",
      revenue: { amount: 1e20, currency: "EUR", amount_base: 19.999999, base_currency: "USD" },
    }),
    position,
  );
  assert.equal(row.revenue, null);
  assert.equal(row.revenue_base, 20);
  assert.equal(row.currency, "EUR");
});

Deno.test("toDateTime64() converts offsets to UTC", () => {
  assert.equal(toDateTime64("2026-03-01T14:00:00.5+02:00"), "2026-03-01 12:00:00.500");
  assert.equal(toDateTime64(null), null);
});

Deno.test("toDateTime64() gives canonical UTC times the same value as a Date round trip", () => {
  const viaDate = (iso: string) => {
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString().replace("T", " ").replace("Z", "");
  };
  const times = [
    "2026-03-01T12:00:00.000Z",
    "2024-02-29T23:59:59.999Z",
    "2026-02-29T00:00:00.000Z", // no 29 February in 2026: the Date parser rolls over
    "2026-04-31T10:00:00.000Z",
    "2026-01-01T24:00:00.000Z",
    "1900-02-29T00:00:00.000Z",
    "2000-02-29T00:00:00.000Z",
    "2026-13-01T00:00:00.000Z",
    "2026-00-10T00:00:00.000Z",
    "2026-03-00T00:00:00.000Z",
  ];
  for (const iso of times) assert.equal(toDateTime64(iso), viaDate(iso), iso);
  assert.equal(toDateTime64("2026-03-01T12:00:00.123Z"), "2026-03-01 12:00:00.123");
});
