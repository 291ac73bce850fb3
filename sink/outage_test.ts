/**
 * Store outages through the real `sink/main.ts` process: a TCP proxy in front of one store is cut
 * while events flow. The other store must stay fresh, `/readyz` and `eventflow_sink_store_up` must
 * name the failing store, and after the store returns it must catch up with no row missing or
 * doubled.
 */
import assert from "node:assert/strict";
import { createProducer } from "../shared/kafka/mod.ts";
import { type EnrichedEvent, partitionKey } from "../shared/events/mod.ts";
import { testKafka, testTopics } from "../shared/testing/kafka.ts";
import { serviceEntry, startService } from "../shared/testing/service_process.ts";
import { startTcpProxy, type TcpProxy } from "../shared/testing/tcp_proxy.ts";
import { chNumber, TEST_ENV, testId, testStores, waitFor } from "../shared/testing/stores.ts";
import { enrichedEvent, shopperSession } from "./testing/events.ts";

type Store = "postgres" | "clickhouse";

/** `n` purchases of two lines each, plus a page view per purchase (ClickHouse only). */
function traffic(prefix: string, label: string, n: number): EnrichedEvent[] {
  const at = new Date().toISOString();
  return Array.from({ length: n }, (_, i) => {
    const user = `${prefix}user_${i % 3}`;
    return [
      enrichedEvent({ event_id: `${prefix}${label}_view_${i}`, platform: prefix, user_id: user }, {
        at,
      }),
      enrichedEvent({
        event_id: `${prefix}${label}_buy_${i}`,
        platform: prefix,
        user_id: user,
        event: "purchase",
        original_event: "Purchase",
        properties: {
          order_id: `${prefix}${label}_order_${i}`,
          currency: "EUR",
          items: [
            { product_id: `${prefix}p1`, quantity: 1, price: 10 },
            { product_id: `${prefix}p2`, quantity: 2, price: 5 },
          ],
        },
        revenue: { amount: 20, currency: "EUR", amount_base: 21.6, base_currency: "USD" },
      }, { at }),
    ];
  }).flat();
}

function behind(proxy: TcpProxy, store: Store): Record<string, string> {
  if (store === "clickhouse") {
    const url = new URL(TEST_ENV.CLICKHOUSE_URL);
    url.host = proxy.address;
    return { CLICKHOUSE_URL: url.toString().replace(/\/$/, "") };
  }
  const url = new URL(TEST_ENV.DATABASE_URL);
  url.host = proxy.address;
  return { DATABASE_URL: url.toString() };
}

async function outageAndRecovery(cut: Store): Promise<void> {
  const other: Store = cut === "postgres" ? "clickhouse" : "postgres";
  const id = testId();
  const prefix = `${id}_`;
  await using stores = await testStores(prefix);
  await using _topics = await testTopics([id, `${id}_dlq`]);
  const target = new URL(cut === "postgres" ? TEST_ENV.DATABASE_URL : TEST_ENV.CLICKHOUSE_URL);
  await using proxy = startTcpProxy({ hostname: target.hostname, port: Number(target.port) });
  await using sink = await startService(serviceEntry("sink"), {
    env: {
      ...TEST_ENV,
      ...behind(proxy, cut),
      TOPIC_ENRICHED: id,
      TOPIC_DEAD_LETTER: `${id}_dlq`,
      SINK_CLICKHOUSE_GROUP: `${id}_ch`,
      SINK_POSTGRES_GROUP: `${id}_pg`,
      SINK_BATCH_SIZE: "20",
      SINK_FLUSH_MS: "100",
      SINK_MAX_BUFFERED: "100",
      SINK_RETRY_BASE_MS: "100",
      SINK_RETRY_MAX_MS: "500",
      LOG_LEVEL: "warn",
    },
  });
  const producer = await createProducer(testKafka(id));
  const send = (events: EnrichedEvent[]) =>
    producer.send(id, events.map((e) => ({ key: partitionKey(e), value: JSON.stringify(e) })));
  const chCount = (label: string, final = "FINAL") =>
    chNumber(
      stores.ch,
      `SELECT count() AS n FROM events ${final} WHERE startsWith(event_id, {p:String})`,
      { p: `${prefix}${label}` },
    );
  const pgCounts = async (label: string) => {
    const like = `${prefix}${label}%`;
    const [row] = await stores.sql`SELECT
      (SELECT count(*)::int FROM business_events WHERE event_id LIKE ${like}) AS business,
      (SELECT count(*)::int FROM orders WHERE event_id LIKE ${like}) AS orders,
      (SELECT count(*)::int FROM order_items i JOIN orders o USING (order_id)
        WHERE o.event_id LIKE ${like}) AS lines,
      (SELECT coalesce(sum(i.quantity), 0)::int FROM order_items i JOIN orders o USING (order_id)
        WHERE o.event_id LIKE ${like}) AS units`;
    return row as { business: number; orders: number; lines: number; units: number };
  };
  const stored = async (store: Store, label: string, events: number, purchases: number) =>
    store === "clickhouse"
      ? (await chCount(label)) === events
      : (await pgCounts(label)).business === purchases;
  const ready = async () => {
    const res = await fetch(`${sink.url}/readyz`);
    return { status: res.status, body: await res.json() };
  };
  const storeUp = async (store: Store) => {
    const metrics = await (await fetch(`${sink.url}/metrics`)).text();
    const match = new RegExp(`eventflow_sink_store_up\\{[^}]*store="${store}"[^}]*\\} (\\d)`)
      .exec(metrics);
    return match ? Number(match[1]) : null;
  };

  try {
    await waitFor(async () => (await ready()).status === 200, { message: "sink ready" });
    const session = shopperSession(prefix).map((e) => ({ ...e, platform: prefix }));
    await send(session);
    await waitFor(
      async () => (await chCount("e")) === 7 && (await pgCounts("e")).business === 3,
      { message: "the session in both stores before the outage" },
    );
    assert.ok(proxy.accepted > 0, `the sink reached ${cut} through the proxy`);

    await proxy.pause();
    const during = traffic(prefix, "during", 30);
    await send(during);
    await waitFor(() => stored(other, "during", 60, 30), {
      timeoutMs: 30_000,
      message: `${other} keeps receiving events while ${cut} is down`,
    });
    await waitFor(async () => {
      const r = await ready();
      return r.status === 503 && r.body.checks?.[cut]?.ok === false &&
        r.body.checks?.[other]?.ok === true;
    }, { message: `/readyz 503 naming ${cut}` });
    const down = await ready();
    assert.match(String(down.body.checks[cut].error), new RegExp(`Writes to ${cut} are failing`));
    assert.equal(await storeUp(cut), 0);
    assert.equal(await storeUp(other), 1);
    assert.equal(
      await stored(cut, "during", 0, 0),
      true,
      `${cut} received nothing while cut off`,
    );

    proxy.resume();
    const after = traffic(prefix, "after", 5);
    await send(after);
    await waitFor(
      async () => (await stored(cut, "during", 60, 30)) && (await stored(cut, "after", 10, 5)),
      { timeoutMs: 45_000, message: `${cut} catches up after the outage` },
    );
    await waitFor(async () => (await ready()).status === 200, { message: "sink ready again" });
    assert.equal(await storeUp(cut), 1);

    // Exactly once in both stores: plain count() too, so a re-sent ClickHouse block would show.
    for (const label of ["during", "after"]) {
      const n = label === "during" ? 30 : 5;
      assert.equal(await chCount(label), 2 * n, `${label}: ClickHouse FINAL`);
      assert.equal(await chCount(label, ""), 2 * n, `${label}: ClickHouse without FINAL`);
      assert.deepEqual(await pgCounts(label), {
        business: n,
        orders: n,
        lines: 2 * n,
        units: 3 * n,
      }, `${label}: PostgreSQL business rows`);
    }
  } finally {
    await producer.close();
    proxy.resume();
    const status = await sink.stop();
    assert.equal(status.code, 0, `sink exit; log:\n${sink.log().slice(-3000)}`);
  }
}

Deno.test("sink keeps ClickHouse fresh while PostgreSQL is cut off, then PostgreSQL catches up exactly once", () =>
  outageAndRecovery("postgres"));

Deno.test("sink keeps PostgreSQL fresh while ClickHouse is cut off, then ClickHouse catches up exactly once", () =>
  outageAndRecovery("clickhouse"));
