/**
 * The console's pages in-process (`app.request()`) against the real local PostgreSQL and
 * ClickHouse (`eventflow_test`), over a world seeded under a random prefix in a private
 * far-future time window, so every figure on the page is ours alone.
 */
import assert from "node:assert/strict";
import { createApp } from "./app.tsx";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { farFutureNow, randomPrefix, removeWorld, seedWorld, type World } from "./testing/seed.ts";
import { openTestStores } from "./testing/stores.ts";
import { kpi, tableRows } from "./testing/http.ts";
import { removeStaff, signedIn, TEST_COST } from "./testing/session.ts";
import type { Stores } from "./adapters/stores.ts";

const quiet = createLogger("admin", { write: () => {} });

function appFor(stores: Stores, now: Date) {
  const registry = createRegistry("admin", { processMetrics: false });
  return {
    app: createApp({
      stores,
      registry,
      logger: quiet,
      now: () => now,
      pageSize: 2,
      passwordCost: TEST_COST,
    }),
    registry,
  };
}

Deno.test("admin pages show the seeded figures from PostgreSQL and ClickHouse", async (t) => {
  await using stores = await openTestStores();
  const now = farFutureNow();
  const world: World = await seedWorld(stores, randomPrefix(), { now });
  const { ids, prefix } = world;
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000).toISOString();
  const { app, registry } = appFor(stores, now);
  const staff = await signedIn(app, stores.pg, { prefix, role: "admin" });
  const get = (_app: unknown, path: string, headers: Record<string, string> = {}) =>
    staff.get(path, headers);
  try {
    await t.step(
      "overview today: 2 paid orders of 100 and 50 → revenue 150.00, AOV 75.00",
      async () => {
        const page = await get(app, "/?period=today");
        assert.equal(page.status, 200);
        assert.equal(kpi(page.html, "orders"), "2");
        assert.equal(kpi(page.html, "revenue"), "$150.00");
        assert.equal(kpi(page.html, "aov"), "$75.00");
        assert.equal(kpi(page.html, "signups"), "1");
        // alice, bob and one anonymous visitor; the crawler is not a user.
        assert.equal(kpi(page.html, "active-users"), "3");
        // seven distinct events; the twice-delivered view counts once.
        assert.equal(kpi(page.html, "events"), "7");
        assert.deepEqual(tableRows(page.html, "top-products"), [
          ["Pixel Phone", "1", "1", "$80.00"],
          ["Leather Case", "7", "2", "$70.00"],
        ]);
        assert.match(page.html, /<rect class="bar"[^>]*><title>\d\d:00: \$100.00<\/title>/);
        assert.match(
          page.html,
          new RegExp(`order_completed</strong> <a href="/users/${ids.alice}">`),
        );
        assert.match(
          page.html,
          /IP geolocation by <a href="https:\/\/db-ip.com">DB-IP<\/a> \(https:\/\/db-ip.com\), CC BY 4.0/,
        );
      },
    );

    await t.step("overview 30 days also counts the order placed eight days ago", async () => {
      const page = await get(app, "/?period=30d");
      assert.equal(kpi(page.html, "orders"), "3");
      assert.equal(kpi(page.html, "revenue"), "$170.00");
      assert.equal(kpi(page.html, "aov"), "$56.67");
    });

    await t.step("orders list filters by search and status and pages by two", async () => {
      const first = await get(app, `/orders?q=${prefix}`);
      assert.equal(first.status, 200);
      assert.deepEqual(tableRows(first.html, "orders").map((r) => r[0]), [
        ids.orderBig,
        ids.orderSmall,
      ]);
      assert.match(first.html, /Showing 1–2 of 4/);
      const second = await get(app, `/orders?q=${prefix}&page=2`);
      assert.deepEqual(tableRows(second.html, "orders").map((r) => r[0]), [
        ids.orderRefunded,
        ids.orderOld,
      ]);
      assert.match(second.html, /Showing 3–4 of 4/);
      const refunded = await get(app, `/orders?q=${prefix}&status=refunded`);
      assert.deepEqual(tableRows(refunded.html, "orders").map((r) => [r[0], r[3], r[5]]), [
        [ids.orderRefunded, "refunded", "$999.00"],
      ]);
      const day = now.toISOString().slice(0, 10);
      const today = await get(app, `/orders?q=${ids.alice}&from=${day}&to=${day}`);
      assert.deepEqual(tableRows(today.html, "orders").map((r) => r[0]), [ids.orderBig]);
    });

    await t.step(
      "purchases filter by city, product, amount, campaign and customer; sort",
      async () => {
        const ids_ = async (query: string) =>
          tableRows((await get(app, `/orders?q=${prefix}&${query}`)).html, "orders").map((r) =>
            r[0]
          );
        assert.deepEqual(await ids_("city=paris"), [ids.orderSmall]);
        assert.deepEqual(await ids_("product=Pixel&sort=revenue&dir=asc"), [
          ids.orderBig,
          ids.orderRefunded,
        ]);
        assert.deepEqual(await ids_("min=40&max=60"), [ids.orderSmall]);
        assert.deepEqual(await ids_(`campaign=${ids.utm}`), [ids.orderBig]);
        assert.deepEqual(await ids_(`customer=${prefix}bob@&status=paid`), [ids.orderSmall]);
        assert.deepEqual(await ids_("sort=revenue&dir=desc"), [ids.orderRefunded, ids.orderBig]);
        assert.deepEqual(await ids_("period=today&sort=created_at&dir=asc"), [
          ids.orderRefunded,
          ids.orderSmall,
        ]);
        const bad = await get(app, `/orders?min=lots`);
        assert.equal(bad.status, 400);
        assert.match(bad.html, /Parameter &quot;min&quot; must be an amount like 99.90/);
      },
    );

    await t.step("purchases export streams every match as CSV with localized headers", async () => {
      const response = await app.request(
        `/export/purchases.csv?q=${prefix}&sort=revenue&dir=desc`,
        {
          headers: staff.headers,
        },
      );
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "text/csv; charset=utf-8");
      assert.match(
        response.headers.get("content-disposition") ?? "",
        /^attachment; filename="purchases-/,
      );
      const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(
        await response.arrayBuffer(),
      );
      const lines = text.split("\r\n");
      assert.equal(
        lines[0],
        "\uFEFFOrder,Placed,Customer,Status,Items,Total,Currency,Revenue (USD),Campaign,Channel,City,Country",
      );
      assert.deepEqual(lines.slice(1, 5).map((l) => l.split(",").slice(0, 8).join(",")), [
        `${ids.orderRefunded},${at(3)},${ids.bob},refunded,1,999,USD,999`,
        `${ids.orderBig},${at(1)},${ids.alice},paid,3,100,USD,100`,
        `${ids.orderSmall},${at(2)},${ids.bob},paid,5,50,USD,50`,
        `${ids.orderOld},${at(8 * 24)},${ids.alice},paid,2,20,USD,20`,
      ]);
      assert.equal(lines.length, 6, "four orders, header, trailing newline");
      const ru = await app.request(`/export/purchases.csv?q=${prefix}`, {
        headers: { cookie: `${staff.cookie}; ef_lang=ru` },
      });
      const ruText = await ru.text();
      assert.match(
        ruText,
        /^Заказ,Оформлен,Покупатель,Статус,Товаров,Сумма,Валюта,Выручка \(USD\)/,
      );
    });

    await t.step(
      "order page lists items with products, customer, campaign, channel and city",
      async () => {
        const page = await get(app, `/orders/${ids.orderBig}`);
        assert.equal(page.status, 200);
        assert.deepEqual(tableRows(page.html, "order-items"), [
          ["1", `Pixel Phone ${ids.phone}`, "phones", "1", "$80.00", "$80.00"],
          ["2", `Leather Case ${ids.case}`, "accessories", "2", "$10.00", "$20.00"],
        ]);
        assert.match(page.html, new RegExp(`<a href="/users/${ids.alice}">${ids.alice}</a>`));
        assert.match(
          page.html,
          new RegExp(`<dt>Campaign</dt><dd><a href="/campaigns">${ids.utm}</a>`),
        );
        assert.match(page.html, /<dt>Channel<\/dt><dd>paid_social<\/dd>/);
        assert.match(page.html, /<dt>City<\/dt><dd>Berlin, DE<\/dd>/);
      },
    );

    await t.step("customers list searches by prefix and filters by tier", async () => {
      const all = await get(app, `/users?q=${prefix}`);
      assert.match(all.html, /2 matching customers/);
      const gold = await get(app, `/users?q=${prefix}&tier=gold`);
      const rows = tableRows(gold.html, "users");
      assert.equal(rows.length, 1);
      assert.deepEqual(rows[0]!.slice(1), [
        `${prefix}alice@example.com`,
        "gold",
        "DE",
        rows[0]![4],
        "2",
        "$120.00",
      ]);
    });

    await t.step(
      "customer page shows profile, escaped traits, orders, reviews and ClickHouse activity",
      async () => {
        const page = await get(app, `/users/${ids.alice}`);
        assert.equal(page.status, 200);
        assert.ok(!page.html.includes("<script>alert(1)</script>"), "trait HTML must be escaped");
        assert.match(page.html, /Alice &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
        assert.deepEqual(tableRows(page.html, "user-orders").map((r) => r[0]), [
          ids.orderBig,
          ids.orderOld,
        ]);
        assert.match(page.html, /Great phone &lt;b&gt;really&lt;\/b&gt;/);
        assert.deepEqual(tableRows(page.html, "timeline").map((r) => r[1]), [
          "page",
          "order_completed",
          "product_viewed",
          "product_viewed",
        ]);
        assert.match(page.html, /via email on web/);
      },
    );

    await t.step("products page joins sales with ClickHouse views into a conversion", async () => {
      const page = await get(app, "/products?period=30d");
      const rows = tableRows(page.html, "products").filter((r) => r[0]!.includes(prefix));
      // [product, category, price, views, orders, conversion, units, revenue, rating]
      assert.deepEqual(rows.map((r) => r.slice(3, 8)), [
        ["2", "3", "150.0%", "9", "$90.00"],
        ["2", "1", "50.0%", "1", "$80.00"],
      ]);
      const detail = await get(app, `/products/${ids.phone}?period=today`);
      assert.equal(detail.status, 200);
      assert.match(
        detail.html,
        /Views<\/div><div class="value">2<\/div><div class="hint">2 viewers/,
      );
      assert.match(detail.html, /View → purchase<\/div><div class="value">50.0%<\/div>/);
      assert.match(
        detail.html,
        /Rating<\/div><div class="value">4.0<\/div><div class="hint">Reviews: 1</,
      );
    });

    await t.step("campaigns page shows attributed orders and utm traffic", async () => {
      const page = await get(app, "/campaigns?period=7d");
      const row = tableRows(page.html, "campaigns").find((r) => r[0]!.includes(ids.campaign));
      assert.ok(row, "the seeded campaign is listed");
      // [name, status, utm, channel, runs, visitors, orders, customers, revenue]
      assert.deepEqual([row[1], row[2], row[5], row[6], row[7], row[8]], [
        "active",
        ids.utm,
        "2",
        "1",
        "1",
        "$100.00",
      ]);
      assert.deepEqual(tableRows(page.html, "campaign-traffic"), [[
        ids.utm,
        "—",
        "2",
        "1",
        "3",
        "100.0%",
      ]]);
    });

    await t.step(
      "live events lists recent events once each and filters by platform and type",
      async () => {
        const all = await get(app, "/events");
        assert.equal(tableRows(all.html, "events").length, 7);
        assert.ok(!all.html.includes('http-equiv="refresh"'));
        const ios = await get(app, "/events?platform=ios&refresh=10");
        assert.deepEqual(tableRows(ios.html, "events").map((r) => [r[1], r[2], r[3]]), [[
          "product_viewed",
          ids.bob,
          "ios",
        ]]);
        assert.match(ios.html, /<meta http-equiv="refresh" content="10">/);
        const pages = await get(app, "/events?event=page");
        assert.deepEqual(tableRows(pages.html, "events").map((r) => r[4]), [
          "https://gadgetstore.example/cart",
        ]);
      },
    );

    await t.step(
      "bad input answers 400/404 pages naming the problem, or JSON when asked",
      async () => {
        const badPage = await get(app, "/orders?page=abc");
        assert.equal(badPage.status, 400);
        assert.match(badPage.type, /text\/html/);
        assert.match(
          badPage.html,
          /Parameter &quot;page&quot; must be a whole number from 1 to 10000, got &quot;abc&quot;/,
        );
        const json = await get(app, "/orders?page=-1", { accept: "application/json" });
        assert.equal(json.status, 400);
        assert.deepEqual(JSON.parse(json.html).error.field, "page");
        const beyond = await get(app, `/orders?q=${prefix}&page=9`);
        assert.equal(beyond.status, 404);
        assert.match(beyond.html, /Page 9 of the orders does not exist: there are 2 pages/);
        const unknown = await get(app, `/users/${prefix}nobody`, { accept: "application/json" });
        assert.equal(unknown.status, 404);
        assert.equal(
          JSON.parse(unknown.html).error.message,
          `There is no customer with id "${prefix}nobody".`,
        );
        assert.equal((await get(app, `/products/${prefix}none`)).status, 404);
        const badDate = await get(app, "/orders?from=2024-02-31");
        assert.equal(badDate.status, 400);
        assert.match(badDate.html, /Parameter &quot;from&quot; must be a date like 2025-01-31/);
        assert.equal((await get(app, "/?period=year")).status, 400);
        assert.equal((await get(app, "/no/such/page")).status, 404);
      },
    );

    await t.step("metrics count requests by route pattern and status", async () => {
      const text = await registry.metrics();
      assert.match(
        text,
        /eventflow_admin_requests_total\{route="\/orders\/:id",status="200",service="admin"\} 1/,
      );
      assert.match(
        text,
        /eventflow_admin_requests_total\{route="\/orders",status="400",service="admin"\} 4/,
      );
      assert.match(
        text,
        /eventflow_admin_requests_total\{route="unmatched",status="404",service="admin"\} 1/,
      );
      assert.match(
        text,
        /eventflow_admin_request_duration_seconds_count\{service="admin",route="\/"\} \d+/,
      );
    });

    await t.step(
      "signups list filters by period, platform, country and campaign; CSV export",
      async () => {
        await stores.pg`INSERT INTO signups (user_id, event_id, method, platform, signed_up_at)
        VALUES (${ids.bob}, ${`${prefix}signup_bob`}, 'google', 'ios', ${new Date(
          now.getTime() - 3 * 3_600_000,
        )})`;
        await stores.ch.insert({
          table: "events",
          values: [{
            event_id: `${prefix}signup_evt`,
            event: "signed_up",
            original_event: "signed_up",
            type: "track",
            timestamp: now.toISOString(),
            received_at: now.toISOString(),
            enriched_at: now.toISOString(),
            user_id: ids.alice,
            utm_campaign: ids.utm,
          }],
          format: "JSONEachRow",
          clickhouse_settings: { date_time_input_format: "best_effort" },
        });
        const rowsOf = async (query: string) =>
          tableRows((await get(app, `/signups?period=today&${query}`)).html, "signups").map((r) => [
            r[1],
            r[3],
            r[5],
            r[6],
          ]).filter((r) => r[0]!.startsWith(prefix));
        assert.deepEqual(await rowsOf("platform=web"), [[ids.alice, "web", "DE", ids.utm]]);
        assert.deepEqual(await rowsOf("country=fr"), [[ids.bob, "ios", "FR", "—"]]);
        assert.deepEqual(await rowsOf(`campaign=${ids.utm}`), [[ids.alice, "web", "DE", ids.utm]]);
        const csv = await app.request(`/export/signups.csv?period=today&campaign=${ids.utm}`, {
          headers: staff.headers,
        });
        const lines = (await csv.text()).split("\r\n");
        assert.equal(lines[0], "Signed up,User,Email,Name,Platform,Method,Country,Campaign");
        assert.deepEqual(lines.slice(1).filter((l) => l.includes(prefix)), [
          `${
            new Date(now.getTime() - 2 * 3_600_000).toISOString()
          },${ids.alice},${prefix}alice@example.com,Alice <script>alert(1)</script>,web,email,DE,${ids.utm}`,
        ]);
      },
    );

    await t.step("readyz reports both stores ready", async () => {
      const ready = await get(app, "/readyz");
      assert.equal(ready.status, 200);
      assert.deepEqual(JSON.parse(ready.html).checks, {
        postgres: { ok: true },
        clickhouse: { ok: true },
      });
    });
  } finally {
    await removeWorld(stores, world);
    await removeStaff(stores.pg, prefix);
  }
  const left = await stores.pg`SELECT count(*)::int AS n FROM orders WHERE order_id LIKE ${
    prefix + "%"
  }`;
  assert.equal(left[0]!.n, 0);
});
