import assert from "node:assert/strict";
import { createClickHouseWriter, encodeRows } from "./clickhouse_writer.ts";
import { EVENT_COLUMNS, toEventRow } from "../core/clickhouse_row.ts";
import { dedupToken } from "../core/dedup_token.ts";
import { writeIsolatingRejects } from "../core/bisect.ts";
import { isClickHouseContentError } from "../core/store_errors.ts";
import { errorMessage } from "../../shared/errors.ts";
import { enrichedEvent } from "../testing/events.ts";
import { chNumber, testId, testStores } from "../../shared/testing/stores.ts";

function rows(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) =>
    toEventRow(
      enrichedEvent({ event_id: `${prefix}e${i}`, platform: prefix }),
      { topic: prefix, partition: 0, offset: String(i) },
    ));
}

const count = `SELECT count() AS n FROM events WHERE startsWith(event_id, {p:String})`;

Deno.test("ClickHouse insert retried with the same token stores each row once", async () => {
  const prefix = testId();
  await using stores = await testStores(prefix);
  const writer = createClickHouseWriter(stores.ch);
  const batch = rows(prefix, 20);
  const token = dedupToken(
    batch.map((r) => ({ topic: prefix, partition: 0, offset: String(r.kafka_offset) })),
    batch.map((r) => r.event_id),
  );
  await writer.insert(batch, token);
  await writer.insert(batch, token);
  // Plain count(), no FINAL: the retry's block was dropped, not merged away later.
  assert.equal(await chNumber(stores.ch, count, { p: prefix }), 20);
  const hourly = await chNumber(
    stores.ch,
    `SELECT uniqExactMerge(events) AS n FROM events_hourly WHERE platform = {p:String}`,
    { p: prefix },
  );
  assert.equal(hourly, 20);
});

Deno.test("ClickHouse content errors are isolated to the bad row by bisection", async () => {
  const prefix = testId();
  await using stores = await testStores(prefix);
  const writer = createClickHouseWriter(stores.ch);
  const batch = rows(prefix, 9);
  // A value the engine refuses: text where a DateTime64 belongs.
  (batch[4] as { timestamp: string }).timestamp = "yesterday-ish";
  let n = 0;
  const rejected = await writeIsolatingRejects(
    batch,
    (part) => writer.insert(part, `${prefix}:${n++}`),
    {
      isContentError: isClickHouseContentError,
      describe: errorMessage,
    },
  );
  assert.deepEqual(rejected.map((r) => r.item.event_id), [`${prefix}e4`]);
  assert.match(rejected[0]!.error, /yesterday-ish|DateTime|parse/i);
  assert.equal(await chNumber(stores.ch, count, { p: prefix }), 8);
});

Deno.test("encodeRows() writes each row as one JSONCompactEachRow line in column order", () => {
  const [row] = rows("t_", 1);
  const body = encodeRows([row!, row!]);
  const lines = body.split("\n");
  assert.deepEqual(lines.length, 3);
  assert.deepEqual(lines[2], "");
  assert.deepEqual(JSON.parse(lines[0]!), EVENT_COLUMNS.map((c) => row![c]));
});

Deno.test("a compact row reads back as the row toEventRow made: nulls, arrays, booleans", async () => {
  const prefix = testId();
  await using stores = await testStores(prefix);
  const writer = createClickHouseWriter(stores.ch);
  const row = toEventRow(
    enrichedEvent({
      event_id: `${prefix}e1`,
      platform: prefix,
      user_id: null,
      sent_at: null,
      properties: { text: 'quote " backslash \\ newline \n tab \t ünï' },
    }),
    { topic: prefix, partition: 2, offset: "77" },
  );
  row.campaigns = ["Spring Sale", "Newsletter"];
  row.enrichment_errors = ["geo: lookup failed"];
  await writer.insert([row], `${prefix}:one`);
  const result = await stores.ch.query({
    query: `SELECT ${EVENT_COLUMNS.join(", ")} FROM events WHERE event_id = {id:String}`,
    query_params: { id: row.event_id },
    format: "JSONEachRow",
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  const [stored] = await result.json<Record<string, unknown>>();
  assert.deepEqual(stored, { ...row });
});
