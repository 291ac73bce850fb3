/**
 * End to end through the real processes: HTTP → ingest → Kafka → enrich → Kafka → sink →
 * ClickHouse + PostgreSQL, one step per user path, on the test's own topics, groups and ids.
 */
import assert from "node:assert/strict";
import { createProducer } from "../shared/kafka/mod.ts";
import { testKafka } from "../shared/testing/kafka.ts";
import { chNumber, waitFor } from "../shared/testing/stores.ts";
import { CATALOGUE, deadLetters, type Pipeline, startPipeline } from "./testing/pipeline.ts";
import { absentEverywhere, chRows } from "./testing/stores.ts";

const IPHONE_CHROME =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1";
const CLIENT_IP = "85.214.132.64";
/** What a shopper's phone sends through the shop's load balancer on loopback (a trusted proxy). */
const BROWSER = { "x-forwarded-for": CLIENT_IP, "user-agent": IPHONE_CHROME };
const EMAIL = "jane.doe.e2e@gadgetmail.example";
const PHONE = "+49 30 901820";

async function send(pipeline: Pipeline, path: string, body: unknown): Promise<void> {
  const res = await pipeline.post(path, body, BROWSER);
  assert.equal(res.status, 200, `${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
}

function countFinal(pipeline: Pipeline, idPrefix: string, final = "FINAL"): Promise<number> {
  return chNumber(
    pipeline.stores.ch,
    `SELECT count() AS n FROM events ${final} WHERE startsWith(event_id, {p:String})`,
    { p: idPrefix },
  );
}

async function waitForEvents(pipeline: Pipeline, idPrefix: string, n: number): Promise<void> {
  await waitFor(async () => (await countFinal(pipeline, idPrefix)) >= n, {
    timeoutMs: 45_000,
    message: `${n} events ${idPrefix}* in ClickHouse`,
  });
}

/** The GadgetStore session of one shopper, in both accepted formats. */
async function gadgetStoreSession(pipeline: Pipeline, ids: string): Promise<number> {
  const p = pipeline.prefix;
  const anon = `${p}anon_a`;
  const session = `${p}sess_a`;
  const user = pipeline.userId;
  const segment = { anonymousId: anon, context: { sessionId: session } };
  const landing =
    `https://gadgetstore.example/?utm_source=newsletter&utm_medium=email&utm_campaign=${pipeline.campaign.utm}`;
  await send(pipeline, "/api/v1/event", {
    event_id: `${ids}page_view`,
    anonymous_id: anon,
    session_id: session,
    event_type: "page_view",
    url: landing,
    referrer: "https://mail.example.com/",
  });
  await send(pipeline, "/v1/track", {
    ...segment,
    messageId: `${ids}search`,
    event: "Search",
    properties: { query: "pixel 9 pro" },
  });
  await send(pipeline, "/v1/track", {
    ...segment,
    messageId: `${ids}product_click`,
    event: "Product Click",
    properties: { product_id: `${p}pixel9`, position: 1 },
  });
  await send(pipeline, "/api/v1/event", {
    event_id: `${ids}add_to_cart`,
    anonymous_id: anon,
    session_id: session,
    event_type: "add_to_cart",
    event_data: { product_id: `${p}pixel9`, price: 999, quantity: 1, currency: "USD" },
  });
  await send(pipeline, "/api/v1/event", {
    event_id: `${ids}signup`,
    user_id: user,
    anonymous_id: anon,
    session_id: session,
    event_type: "signup",
    event_data: { method: "email", email: EMAIL },
  });
  await send(pipeline, "/v1/identify", {
    ...segment,
    messageId: `${ids}identify`,
    userId: user,
    traits: { email: EMAIL, phone: PHONE, newsletter: true },
  });
  await send(pipeline, "/api/v1/event", {
    event_id: `${ids}purchase`,
    user_id: user,
    anonymous_id: anon,
    session_id: session,
    event_type: "purchase",
    event_data: {
      order_id: `${p}order_1`,
      total: 1058,
      currency: "USD",
      items: [
        { product_id: `${p}pixel9`, quantity: 1, price: 999 },
        { product_id: `${p}case`, quantity: 2, price: 29.5 },
      ],
      contact_email: EMAIL,
      phone: PHONE,
    },
  });
  await send(pipeline, "/v1/track", {
    ...segment,
    messageId: `${ids}review`,
    userId: user,
    event: "Product Reviewed",
    properties: { product_id: `${p}pixel9`, rating: 5, body: "Great camera" },
  });
  return 8;
}

async function sessionArrivesEnrichedOnce(pipeline: Pipeline): Promise<void> {
  const p = pipeline.prefix;
  const ids = `${p}a_`;
  const sent = await gadgetStoreSession(pipeline, ids);
  await waitForEvents(pipeline, ids, sent);
  const { sql, ch } = pipeline.stores;
  await waitFor(async () => {
    const [row] = await sql`SELECT count(*)::int AS n FROM business_events
      WHERE event_id LIKE ${ids + "%"}`;
    return row?.n === 4;
  }, { timeoutMs: 45_000, message: "signup, identify, purchase and review in business_events" });

  // Exactly once: with and without FINAL (no duplicate delivery at all on the happy path).
  assert.equal(await countFinal(pipeline, ids), sent);
  assert.equal(await countFinal(pipeline, ids, ""), sent);

  const rows = await chRows(ch, ids);
  const byEvent = new Map(rows.map((r) => [String(r.event_id).slice(ids.length), r]));
  assert.deepEqual([...byEvent.keys()].sort(), [
    "add_to_cart",
    "identify",
    "page_view",
    "product_click",
    "purchase",
    "review",
    "search",
    "signup",
  ]);
  for (const row of rows) {
    assert.deepEqual(
      [row.geo_country_code, row.geo_city, row.device_vendor, row.device_model, row.device_type],
      ["DE", "Berlin (Charlottenburg-Wilmersdorf)", "Apple", "iPhone", "mobile"],
      `geo/device of ${row.event_id}`,
    );
    assert.deepEqual([row.device_browser, row.device_os, row.is_bot], ["Chrome", "iOS", false]);
    assert.equal(row.ip, "85.214.132.0", `truncated IP of ${row.event_id}`);
    assert.equal(row.session_id, `${p}sess_a`);
    assert.equal(row.source_id, `${p}src`);
  }
  const get = (name: string) => byEvent.get(name)!;
  assert.deepEqual(
    [get("page_view").event, get("search").event, get("product_click").event],
    ["page_view", "search", "product_click"],
  );
  assert.deepEqual(
    [get("page_view").utm_campaign, get("page_view").channel, get("page_view").utm_source],
    [pipeline.campaign.utm, "email", "newsletter"],
  );
  assert.ok(
    (get("page_view").campaigns as string[]).includes(pipeline.campaign.name),
    `campaigns ${JSON.stringify(get("page_view").campaigns)}`,
  );
  for (const name of ["product_click", "add_to_cart", "purchase", "review"]) {
    assert.deepEqual(
      [get(name).product_id, get(name).product_name, get(name).product_category],
      [`${p}pixel9`, CATALOGUE[0].name, CATALOGUE[0].category],
      `product of ${name}`,
    );
  }
  for (const name of ["signup", "identify", "purchase", "review"]) {
    assert.deepEqual([get(name).user_id, get(name).user_tier], [pipeline.userId, "gold"], name);
  }
  assert.equal(get("review").event, "product_reviewed");
  assert.deepEqual([get("purchase").revenue, get("purchase").currency], [1058, "USD"]);
  const purchaseProps = JSON.parse(String(get("purchase").properties));
  assert.deepEqual([purchaseProps.contact_email, purchaseProps.phone], [
    "***@gadgetmail.example",
    "[phone]",
  ]);
  const identifyTraits = JSON.parse(String(get("identify").traits));
  assert.deepEqual([identifyTraits.email, identifyTraits.phone], [
    "***@gadgetmail.example",
    "[phone]",
  ]);

  const orders = await sql`
    SELECT o.order_id, o.total::float8 AS total, o.currency, u.user_id, u.tier,
           i.line_no, i.quantity, i.unit_price::float8 AS unit_price, pr.product_id, pr.category
    FROM orders o
    JOIN users u ON u.user_id = o.user_id
    JOIN order_items i ON i.order_id = o.order_id
    JOIN products pr ON pr.product_id = i.product_id
    WHERE o.order_id LIKE ${p + "%"} ORDER BY i.line_no`;
  assert.deepEqual(
    orders.map((r) => [r.order_id, r.total, r.currency, r.user_id, r.tier]),
    [
      [`${p}order_1`, 1058, "USD", pipeline.userId, "gold"],
      [`${p}order_1`, 1058, "USD", pipeline.userId, "gold"],
    ],
  );
  assert.deepEqual(
    orders.map((r) => [r.product_id, r.category, r.quantity, r.unit_price]),
    [[`${p}pixel9`, "Smartphones", 1, 999], [`${p}case`, "Accessories", 2, 29.5]],
  );
  const [order] = await sql`SELECT event_id, session_id FROM orders WHERE order_id = ${
    p + "order_1"
  }`;
  assert.deepEqual([order?.event_id, order?.session_id], [`${ids}purchase`, `${p}sess_a`]);
  const signups = await sql`SELECT s.event_id, s.method, u.signup_at IS NOT NULL AS signed_up
    FROM signups s JOIN users u ON u.user_id = s.user_id WHERE s.user_id = ${pipeline.userId}`;
  assert.deepEqual(signups.map((r) => [r.event_id, r.method, r.signed_up]), [
    [`${ids}signup`, "email", true],
  ]);
  const business = await sql`SELECT b.event, b.city, u.user_id FROM business_events b
    JOIN users u ON u.user_id = b.user_id WHERE b.event_id LIKE ${ids + "%"} ORDER BY b.event`;
  assert.deepEqual(business.map((r) => [r.event, r.city, r.user_id]), [
    ["identify", "Berlin (Charlottenburg-Wilmersdorf)", pipeline.userId],
    ["product_reviewed", "Berlin (Charlottenburg-Wilmersdorf)", pipeline.userId],
    ["purchase", "Berlin (Charlottenburg-Wilmersdorf)", pipeline.userId],
    ["signup", "Berlin (Charlottenburg-Wilmersdorf)", pipeline.userId],
  ]);
  const [review] = await sql`SELECT r.rating, pr.name FROM reviews r
    JOIN products pr USING (product_id) WHERE r.event_id = ${ids + "review"}`;
  assert.deepEqual([review?.rating, review?.name], [5, CATALOGUE[0].name]);

  await absentEverywhere(pipeline.stores, p, [EMAIL, PHONE, "901820", CLIENT_IP]);
}

async function badInputIsRejectedOrDeadLettered(pipeline: Pipeline): Promise<void> {
  const p = pipeline.prefix;
  const ids = `${p}b_`;
  const anon = `${p}anon_b`;
  const invalid = await pipeline.post("/api/v1/event", {
    event_id: `${ids}invalid`,
    anonymous_id: anon,
    event_data: { product_id: `${p}case` },
  }, BROWSER);
  assert.equal(invalid.status, 400);
  assert.deepEqual(
    [
      (invalid.body.error as Record<string, unknown>).code,
      (invalid.body.error as Record<string, unknown>).field,
    ],
    ["MISSING_FIELD", "event_type"],
  );
  const good = (n: number) => ({
    event_id: `${ids}good_${n}`,
    anonymous_id: anon,
    event_type: "page_view",
    url: `https://gadgetstore.example/p/${n}`,
  });
  await send(pipeline, "/api/v1/event", good(1));
  const garbage = `{"event_id":"${ids}garbage","type":`;
  const producer = await createProducer(testKafka("e2e"));
  try {
    await producer.send(pipeline.topics.raw, [{ key: anon, value: garbage }]);
  } finally {
    await producer.close();
  }
  await send(pipeline, "/api/v1/event", good(2));

  const records = await deadLetters(pipeline, (rs) => rs.some((r) => r.payload === garbage));
  const record = records.find((r) => r.payload === garbage)!;
  assert.deepEqual([record.stage, record.reason], ["enrich", "INVALID_JSON"]);
  // Kept sealed at rest; the helper opened it with the pipeline's DEAD_LETTER_KEYS.
  assert.equal(record.stored_encoding, "aes-256-gcm");
  assert.match(String(record.error), /not valid JSON/);
  assert.equal((record.source as Record<string, unknown>).topic, pipeline.topics.raw);

  await waitForEvents(pipeline, ids, 2);
  const rows = await chRows(pipeline.stores.ch, ids);
  assert.deepEqual(rows.map((r) => r.event_id).sort(), [`${ids}good_1`, `${ids}good_2`]);
}

async function anonymousVisitorBecomesKnown(pipeline: Pipeline): Promise<void> {
  const p = pipeline.prefix;
  const ids = `${p}c_`;
  const anon = `${p}anon_c`;
  const user = `${p}user_c`;
  await send(pipeline, "/api/v1/event", {
    event_id: `${ids}1_home`,
    anonymous_id: anon,
    event_type: "page_view",
    url: "https://gadgetstore.example/",
  });
  await send(pipeline, "/v1/page", {
    messageId: `${ids}2_audio`,
    anonymousId: anon,
    name: "Audio",
    properties: { url: "https://gadgetstore.example/c/audio" },
  });
  await send(pipeline, "/api/v1/event", {
    event_id: `${ids}3_signup`,
    user_id: user,
    anonymous_id: anon,
    event_type: "signup",
    event_data: { method: "google" },
  });
  // "Later" = after the pipeline has seen the signup; events keyed by the anonymous id can sit
  // on another partition than the signup (keyed by the user id) and be enriched before it.
  await waitForEvents(pipeline, `${ids}3_`, 1);
  await send(pipeline, "/v1/track", {
    messageId: `${ids}4_cart`,
    anonymousId: anon,
    event: "Add To Cart",
    properties: { product_id: `${p}buds`, price: 149, quantity: 1 },
  });
  await send(pipeline, "/api/v1/event", {
    event_id: `${ids}5_cart_page`,
    anonymous_id: anon,
    event_type: "page_view",
    url: "https://gadgetstore.example/cart",
  });
  await waitForEvents(pipeline, ids, 5);
  const rows = (await chRows(pipeline.stores.ch, ids)).sort((a, b) =>
    String(a.event_id).localeCompare(String(b.event_id))
  );
  assert.deepEqual(
    rows.map((r) => [String(r.event_id).slice(ids.length), r.user_id, r.identity_resolved]),
    [
      ["1_home", "", false],
      ["2_audio", "", false],
      ["3_signup", user, false],
      ["4_cart", user, true],
      ["5_cart_page", user, true],
    ],
  );
  assert.ok(rows.every((r) => r.anonymous_id === anon));
  await waitFor(async () => {
    const [link] = await pipeline.stores.sql`SELECT i.user_id FROM identities i
      JOIN users u USING (user_id) WHERE i.anonymous_id = ${anon}`;
    return link?.user_id === user;
  }, { message: "identity link anon_c → user_c in PostgreSQL" });
}

Deno.test("pipeline: real ingest, enrich and sink processes, one step per user path", async (t) => {
  await using pipeline = await startPipeline();
  await t.step(
    "a GadgetStore session arrives once in ClickHouse, enriched, and its business rows in PostgreSQL",
    () => sessionArrivesEnrichedOnce(pipeline),
  );
  await t.step(
    "an invalid event gets a 400 naming the field; garbage is dead-lettered; good events around it arrive",
    () => badInputIsRejectedOrDeadLettered(pipeline),
  );
  await t.step(
    "an anonymous visitor's later events carry the user id after signup",
    () => anonymousVisitorBecomesKnown(pipeline),
  );
  const metrics = await (await fetch(`${pipeline.sink.url}/metrics`)).text();
  assert.match(metrics, /eventflow_sink_store_up\{[^}]*store="postgres"[^}]*\} 1/);
});
