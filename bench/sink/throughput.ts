/**
 * Sink write throughput against each store's bulk-load baseline, on the real local stores:
 * ClickHouse: the sink's batched, token-carrying inserts vs one big insert of the same rows;
 * PostgreSQL: the sink's merged upsert transactions vs COPY of the same rows.
 *
 * Run: node_modules/.bin/deno run -A bench/sink/throughput.ts [--events 50000] [--batch 5000]
 * Writes to eventflow_test only (own tables / id prefix), removed afterwards.
 */
import { toEventRow } from "../../sink/core/clickhouse_row.ts";
import { planEvent } from "../../sink/core/postgres_plan.ts";
import { mergePlans } from "../../sink/core/postgres_merge.ts";
import { planRowCount, type WritePlan } from "../../sink/core/postgres_rows.ts";
import { createClickHouseWriter } from "../../sink/adapters/clickhouse_writer.ts";
import { clickHouseStore, postgresStore } from "../../sink/stores.ts";
import { createSinkMetrics } from "../../sink/metrics.ts";
import { createRegistry } from "../../shared/metrics.ts";
import { createLogger } from "../../shared/log.ts";
import type { LaneItem } from "../../sink/lane.ts";
import { enrichedEvent } from "../../sink/testing/events.ts";
import { deletePrefix, testId, testStores } from "../../shared/testing/stores.ts";
import { argsOrExit } from "../../shared/cli.ts";
import { parseSinkThroughputArgs, SINK_THROUGHPUT_USAGE } from "../args.ts";

const { events: EVENTS, batch: BATCH } = argsOrExit(
  SINK_THROUGHPUT_USAGE,
  () => parseSinkThroughputArgs(Deno.args),
);
const id = testId();
const prefix = `${id}_`;
await using stores = await testStores(prefix);
const { ch, sql } = stores;

const events = Array.from({ length: EVENTS }, (_, i) =>
  enrichedEvent({
    event_id: `${prefix}${i}`,
    event: "purchase",
    user_id: `${prefix}u${i % 5000}`,
    anonymous_id: `${prefix}a${i % 5000}`,
    session_id: `${prefix}s${i % 10000}`,
    platform: prefix,
    properties: {
      order_id: `${prefix}o${i}`,
      items: [
        { product_id: `${prefix}p${i % 300}`, quantity: 1, price: 19.9, name: "Shirt" },
        { product_id: `${prefix}p${(i + 7) % 300}`, quantity: 2, price: 5 },
      ],
    },
    revenue: { amount: 29.9, currency: "EUR", amount_base: 32.1, base_currency: "USD" },
  }, { at: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString() }));
const items = events.map((event, i) => ({
  event,
  message: {
    topic: id,
    partition: i % 6,
    offset: String(i),
    key: null,
    value: new Uint8Array(),
    headers: {},
    timestamp: "0",
  },
}));

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

// ---- ClickHouse
const tables = [`bench_sink_${id}`, `bench_bulk_${id}`];
for (const t of tables) await ch.command({ query: `CREATE TABLE ${t} AS events` });
const sinkStore = clickHouseStore(createClickHouseWriter(ch, { table: tables[0] }));
const chItems: LaneItem<ReturnType<typeof toEventRow>>[] = items.map((i) => ({
  ...i,
  value: toEventRow(i.event, i.message),
}));
const chSink = await timed(async () => {
  for (let i = 0; i < chItems.length; i += BATCH) {
    // The sink maps while consuming, so mapping is part of its cost here too.
    const part = items.slice(i, i + BATCH).map((x) => ({
      ...x,
      value: toEventRow(x.event, x.message),
    }));
    await sinkStore.write(part);
  }
});
// The baseline is the faster of two direct loads of all rows in one insert: the client's own
// JSONEachRow insert, and the sink's compact body built and sent in one piece.
const chBulkObjects = await timed(async () => {
  await ch.insert({
    table: tables[1]!,
    values: chItems.map((i) => i.value),
    format: "JSONEachRow",
  });
});
await ch.command({ query: `TRUNCATE TABLE ${tables[1]}` });
const chBulkCompact = await timed(async () => {
  await createClickHouseWriter(ch, { table: tables[1] }).insert(
    chItems.map((i) => i.value),
    `${id}:bulk`,
  );
});
const chBulk = Math.min(chBulkObjects, chBulkCompact);
for (const t of tables) await ch.command({ query: `DROP TABLE ${t}` });

// ---- PostgreSQL
const registry = createRegistry("bench", { processMetrics: false });
const pgStore = postgresStore(sql, {
  criticalEvents: ["purchase"],
  metrics: createSinkMetrics(registry),
  logger: createLogger("bench", { level: "error" }),
});
const plans = items.map((i) => ({
  ...i,
  value: (planEvent(i.event) as { value: WritePlan }).value,
}));
let pgRows = 0;
const pgSink = await timed(async () => {
  for (let i = 0; i < plans.length; i += BATCH) {
    pgRows += await pgStore.write(plans.slice(i, i + BATCH));
  }
});
const merged = mergePlans(plans.map((p) => p.value));
await deletePrefix(sql, ch, prefix);
const tsv = (v: unknown) =>
  v === null || v === undefined ? "\\N" : String(typeof v === "object" ? JSON.stringify(v) : v)
    .replaceAll("\\", "\\\\").replaceAll("\t", "\\t").replaceAll("\n", "\\n");
async function copy<T extends object>(table: string, rows: T[], cols: (keyof T & string)[]) {
  const writable = await sql.unsafe(`COPY ${table} (${cols.join(",")}) FROM STDIN`).writable();
  const done = new Promise((resolve, reject) => writable.on("finish", resolve).on("error", reject));
  for (let i = 0; i < rows.length; i += 1000) {
    writable.write(
      rows.slice(i, i + 1000).map((r) => cols.map((c) => tsv(r[c])).join("\t") + "\n").join(""),
    );
  }
  writable.end();
  await done;
}
const pgCopy = await timed(async () => {
  await copy("users", merged.users, ["user_id", "traits", "country_code", "first_seen"]);
  await copy("products", merged.products, ["product_id", "name", "category", "price"]);
  await copy("sessions", merged.sessions, [
    "session_id",
    "user_id",
    "anonymous_id",
    "platform",
    "started_at",
    "last_seen_at",
  ]);
  await copy("identities", merged.identities, ["anonymous_id", "user_id", "linked_at"]);
  await copy("orders", merged.orders as unknown as Record<string, unknown>[], [
    "order_id",
    "event_id",
    "user_id",
    "anonymous_id",
    "session_id",
    "total",
    "currency",
    "total_base",
    "base_currency",
    "campaign",
    "channel",
    "city",
    "country_code",
    "created_at",
  ]);
  await copy("order_items", merged.orderItems as unknown as Record<string, unknown>[], [
    "order_id",
    "line_no",
    "product_id",
    "quantity",
    "unit_price",
  ]);
  await copy("business_events", merged.businessEvents as unknown as Record<string, unknown>[], [
    "event_id",
    "event",
    "user_id",
    "anonymous_id",
    "session_id",
    "occurred_at",
    "properties",
    "city",
    "country_code",
    "platform",
  ]);
});
const copyRows = planRowCount(merged);

const line = (store: string, rows: number, sink: number, base: number, baseName: string) =>
  `${store}: sink ${Math.round(rows / sink)} rows/s (${rows} rows, ${sink.toFixed(2)} s) vs ` +
  `${baseName} ${Math.round(rows / base)} rows/s (${base.toFixed(2)} s): ${
    ((base / sink) * 100).toFixed(0)
  }% of baseline`;
console.log(`events=${EVENTS} batch=${BATCH}`);
console.log(line("clickhouse", EVENTS, chSink, chBulk, "one bulk insert"));
console.log(
  `clickhouse: one bulk insert as JSONEachRow objects ${chBulkObjects.toFixed(2)} s, as one ` +
    `JSONCompactEachRow body ${chBulkCompact.toFixed(2)} s (the faster is the baseline)`,
);
// Both sides end with the same distinct rows; the sink's per-batch re-upserts of shared users,
// products and sessions are part of its cost, so rates use the distinct count for both.
console.log(line("postgres", copyRows, pgSink, pgCopy, "COPY"));
console.log(
  `postgres: sink statements touched ${pgRows} rows in ${Math.ceil(EVENTS / BATCH)} batches`,
);
