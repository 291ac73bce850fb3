/**
 * A small GadgetStore world seeded under one id prefix at one instant, and its removal. Every
 * row's id starts with the prefix, so cleanup touches nothing else in the shared test databases.
 */
import type { Stores } from "../adapters/stores.ts";

const HOUR = 3_600_000;

/** What {@link seedWorld} created, for assertions. */
export interface World {
  prefix: string;
  now: Date;
  ids: {
    alice: string;
    bob: string;
    phone: string;
    case: string;
    orderBig: string;
    orderSmall: string;
    orderOld: string;
    orderRefunded: string;
    campaign: string;
    utm: string;
  };
}

/** A random prefix such as `adm_k3j9x_`, unique per test run. */
export function randomPrefix(): string {
  return `adm_${crypto.randomUUID().slice(0, 8)}_`;
}

/**
 * Seeds, relative to `now`: two paid orders today (100.00 and 50.00 USD), one 20.00 order
 * eight days ago, one refunded 999.00 order today; two customers, two products, one campaign,
 * a signup, a review, business events, and ClickHouse events (views, a purchase, one bot hit).
 */
export async function seedWorld(
  stores: Stores,
  prefix: string,
  opts: { now: Date; clickhouse?: boolean },
): Promise<World> {
  const now = opts.now;
  const ids = {
    alice: `${prefix}alice`,
    bob: `${prefix}bob`,
    phone: `${prefix}phone`,
    case: `${prefix}case`,
    orderBig: `${prefix}ord_1`,
    orderSmall: `${prefix}ord_2`,
    orderOld: `${prefix}ord_3`,
    orderRefunded: `${prefix}ord_4`,
    campaign: `${prefix}spring`,
    utm: `${prefix}spring_sale`,
  };
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR);
  const sql = stores.pg;
  await sql`INSERT INTO users ${
    sql([
      {
        user_id: ids.alice,
        tier: "gold",
        signup_at: at(2),
        country_code: "DE",
        traits: sql.json({
          name: "Alice <script>alert(1)</script>",
          email: `${prefix}alice@example.com`,
        }),
        first_seen: at(30 * 24),
        updated_at: at(1),
      },
      {
        user_id: ids.bob,
        tier: "free",
        signup_at: null,
        country_code: "FR",
        traits: sql.json({ email: `${prefix}bob@example.com` }),
        first_seen: at(10 * 24),
        updated_at: at(2),
      },
    ])
  }`;
  await sql`INSERT INTO products ${
    sql([
      {
        product_id: ids.phone,
        name: "Pixel Phone",
        category: "phones",
        price: 80,
        currency: "USD",
      },
      {
        product_id: ids.case,
        name: "Leather Case",
        category: "accessories",
        price: 10,
        currency: "USD",
      },
    ])
  }`;
  await sql`INSERT INTO campaigns ${
    sql({
      campaign_id: ids.campaign,
      name: "Spring Sale",
      utm_campaign: ids.utm,
      channel: "paid_social",
      starts_at: at(5 * 24),
      ends_at: new Date(now.getTime() + 5 * 24 * HOUR),
    })
  }`;
  const order = (
    id: string,
    user: string | null,
    total: number,
    hoursAgo: number,
    extra: object = {},
  ) => ({
    order_id: id,
    event_id: `${id}_evt`,
    user_id: user,
    status: "paid",
    total,
    currency: "USD",
    total_base: total,
    base_currency: "USD",
    campaign: null as string | null,
    channel: "organic_search",
    city: "Berlin",
    country_code: "DE",
    created_at: at(hoursAgo),
    ...extra,
  });
  await sql`INSERT INTO orders ${
    sql([
      order(ids.orderBig, ids.alice, 100, 1, { campaign: ids.utm, channel: "paid_social" }),
      order(ids.orderSmall, ids.bob, 50, 2, { city: "Paris", country_code: "FR" }),
      order(ids.orderOld, ids.alice, 20, 8 * 24),
      order(ids.orderRefunded, ids.bob, 999, 3, { status: "refunded" }),
    ])
  }`;
  await sql`INSERT INTO order_items ${
    sql([
      { order_id: ids.orderBig, line_no: 1, product_id: ids.phone, quantity: 1, unit_price: 80 },
      { order_id: ids.orderBig, line_no: 2, product_id: ids.case, quantity: 2, unit_price: 10 },
      { order_id: ids.orderSmall, line_no: 1, product_id: ids.case, quantity: 5, unit_price: 10 },
      { order_id: ids.orderOld, line_no: 1, product_id: ids.case, quantity: 2, unit_price: 10 },
      {
        order_id: ids.orderRefunded,
        line_no: 1,
        product_id: ids.phone,
        quantity: 1,
        unit_price: 999,
      },
    ])
  }`;
  await sql`INSERT INTO signups ${
    sql({
      user_id: ids.alice,
      event_id: `${prefix}signup_evt`,
      method: "email",
      platform: "web",
      signed_up_at: at(2),
    })
  }`;
  await sql`INSERT INTO reviews ${
    sql({
      event_id: `${prefix}review_evt`,
      user_id: ids.alice,
      product_id: ids.phone,
      rating: 4,
      body: "Great phone <b>really</b>",
      created_at: at(1),
    })
  }`;
  await sql`INSERT INTO business_events ${
    sql([
      {
        event_id: `${ids.orderBig}_evt`,
        event: "order_completed",
        user_id: ids.alice,
        occurred_at: at(1),
        city: "Berlin",
        country_code: "DE",
        platform: "web",
      },
      {
        event_id: `${prefix}signup_evt`,
        event: "signed_up",
        user_id: ids.alice,
        occurred_at: at(2),
        city: "Berlin",
        country_code: "DE",
        platform: "web",
      },
    ])
  }`;
  // Optional because ClickHouse rollups (filled by materialized views) cannot be cleaned by id
  // prefix: only worlds in a private time window (see farFutureNow) write there.
  if (opts.clickhouse ?? true) await seedClickHouse(stores, prefix, now, ids);
  return { prefix, now, ids };
}

async function seedClickHouse(stores: Stores, prefix: string, now: Date, ids: World["ids"]) {
  const ts = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * HOUR).toISOString();
  const base = {
    type: "track",
    received_at: ts(0),
    enriched_at: ts(0),
    platform: "web",
    anonymous_id: "",
    session_id: `${prefix}sess`,
    geo_city: "Berlin",
    geo_country_code: "DE",
    device_browser: "Chrome",
    device_os: "Linux",
    is_bot: false,
  };
  const event = (
    n: number,
    name: string,
    hoursAgo: number,
    extra: Record<string, unknown> = {},
  ) => ({
    ...base,
    event_id: `${prefix}ch_${n}`,
    event: name,
    original_event: name,
    timestamp: ts(hoursAgo),
    ...extra,
  });
  const rows = [
    event(1, "product_viewed", 1.5, {
      user_id: ids.alice,
      product_id: ids.phone,
      product_name: "Pixel Phone",
      utm_campaign: ids.utm,
    }),
    event(2, "product_viewed", 1.4, {
      user_id: ids.alice,
      product_id: ids.case,
      product_name: "Leather Case",
    }),
    event(3, "product_viewed", 2.5, {
      user_id: ids.bob,
      product_id: ids.case,
      product_name: "Leather Case",
      platform: "ios",
    }),
    event(4, "product_viewed", 2.4, {
      anonymous_id: `${prefix}anon`,
      product_id: ids.phone,
      product_name: "Pixel Phone",
      utm_campaign: ids.utm,
    }),
    event(5, "order_completed", 1, {
      user_id: ids.alice,
      product_id: ids.phone,
      revenue_base: 100,
      utm_campaign: ids.utm,
    }),
    event(6, "page", 0.5, {
      user_id: ids.alice,
      url: "https://gadgetstore.example/cart",
      type: "page",
    }),
    // A crawler: counted as an event, never as an active user or a product view.
    event(7, "product_viewed", 0.7, {
      anonymous_id: `${prefix}bot`,
      product_id: ids.phone,
      is_bot: true,
    }),
  ];
  // The same event delivered twice must still count once.
  const duplicate = rows[0]!;
  await stores.ch.insert({ table: "events", values: [...rows, duplicate], format: "JSONEachRow" });
}

/** A random 14:30 UTC instant in 2040–2041: a time window no other test or service writes to. */
export function farFutureNow(): Date {
  const day = Math.floor(Math.random() * 700);
  return new Date(Date.UTC(2040, 0, 1, 14, 30) + day * 24 * HOUR);
}

/** Removes every row the world seeded (its prefix) from both stores. */
export async function removeWorld(
  stores: Stores,
  world: { prefix: string; now: Date },
): Promise<void> {
  const like = `${world.prefix.replace(/[\\%_]/g, "\\$&")}%`;
  const sql = stores.pg;
  await sql`DELETE FROM business_events WHERE event_id LIKE ${like}`;
  await sql`DELETE FROM reviews WHERE event_id LIKE ${like}`;
  await sql`DELETE FROM signups WHERE user_id LIKE ${like}`;
  await sql`DELETE FROM order_items WHERE order_id LIKE ${like}`;
  await sql`DELETE FROM orders WHERE order_id LIKE ${like}`;
  await sql`DELETE FROM identities WHERE user_id LIKE ${like}`;
  await sql`DELETE FROM sessions WHERE session_id LIKE ${like}`;
  await sql`DELETE FROM campaigns WHERE campaign_id LIKE ${like}`;
  await sql`DELETE FROM products WHERE product_id LIKE ${like}`;
  await sql`DELETE FROM users WHERE user_id LIKE ${like}`;
  await stores.ch.command({
    query: "ALTER TABLE events DELETE WHERE startsWith(event_id, {prefix:String})",
    query_params: { prefix: world.prefix },
    clickhouse_settings: { mutations_sync: "1" },
  });
  if (world.now.getTime() > Date.now() + 365 * 24 * HOUR) {
    // The rollups hold no event ids; the private far-future window identifies our rows.
    const params = {
      from: new Date(world.now.getTime() - 40 * 24 * HOUR).toISOString().slice(0, 19).replace(
        "T",
        " ",
      ),
      to: new Date(world.now.getTime() + 24 * HOUR).toISOString().slice(0, 19).replace("T", " "),
    };
    for (const [table, column] of [["events_hourly", "hour"], ["daily_active_users", "day"]]) {
      await stores.ch.command({
        query:
          `ALTER TABLE ${table} DELETE WHERE ${column} >= toDateTime({from:String}, 'UTC') AND ${column} < toDateTime({to:String}, 'UTC')`,
        query_params: params,
        clickhouse_settings: { mutations_sync: "1" },
      });
    }
  }
}
