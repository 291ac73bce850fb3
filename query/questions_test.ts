/**
 * Every question against a known data set in ClickHouse, with part of it inserted twice (not yet
 * merged): each expected number is computed here, in TypeScript, from the same event list.
 */
import assert from "node:assert/strict";
import {
  dataset,
  DAYS,
  insertEvents,
  queryHarness,
  START,
  type TestEvent,
} from "./testing/harness.ts";

const DAY = 86_400_000;
const FROM = START + 14 * DAY; // 2026-10-19
const TO = START + DAYS * DAY; // 2026-11-02 (exclusive)
const PREV_FROM = START;
const RANGE = "from=2026-10-19&to=2026-11-01";

const actorOf = (e: TestEvent) => e.user_id || e.anonymous_id;
const ms = (e: TestEvent) => Date.parse(e.timestamp);
const dayOf = (t: number) => new Date(t).toISOString().slice(0, 10);
const round = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;
const inRange = (from: number, to: number) => (e: TestEvent) => ms(e) >= from && ms(e) < to;
const count = <T>(list: T[], key: (x: T) => string) => {
  const out = new Map<string, T[]>();
  for (const x of list) out.set(key(x), [...(out.get(key(x)) ?? []), x]);
  return out;
};
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = (s.length - 1) / 2;
  return (s[Math.floor(mid)]! + s[Math.ceil(mid)]!) / 2;
};

function activeOn(events: TestEvent[], day: number, span: number, to: number): number {
  return new Set(
    events.filter((e) => ms(e) >= day - (span - 1) * DAY && ms(e) < Math.min(day + DAY, to)).map(
      actorOf,
    ),
  ).size;
}

function funnelOf(events: TestEvent[], steps: ((e: TestEvent) => boolean)[], windowMs: number) {
  const byActor = count(events, actorOf);
  const chains: number[][] = [];
  for (const list of byActor.values()) {
    const sorted = [...list].sort((a, b) => ms(a) - ms(b));
    const chain: number[] = [];
    for (const e of sorted) {
      if (chain.length === steps.length) break;
      if (!steps[chain.length]!(e)) continue;
      if (chain.length > 0 && ms(e) - chain[0]! > windowMs) continue;
      chain.push(ms(e));
    }
    chains.push(chain);
  }
  return steps.map((_, k) => {
    const reached = chains.filter((c) => c.length > k);
    return {
      users: reached.length,
      median: k === 0 || reached.length === 0
        ? null
        : round(median(reached.map((c) => c[k]! - c[k - 1]!)) / 1000, 3),
    };
  });
}

Deno.test("every question answers exact numbers over a known data set with duplicates", async (t) => {
  await using h = await queryHarness();
  const all = dataset(h.id);
  // Every 7th event again, in a block ClickHouse has not merged: answers must not count them twice.
  await insertEvents(h.ch, all, all.filter((_, i) => i % 7 === 0));
  const mine = all.filter((e) => e.source_id === h.id && !e.is_bot);
  const current = mine.filter(inRange(FROM, TO));
  const previous = mine.filter(inRange(PREV_FROM, FROM));
  const q = (path: string) =>
    h.get(`/api/v1${path}${path.includes("?") ? "&" : "?"}source=${h.id}`);
  // Whether every query of the last answer read `table` (the rollups must be what is tested).
  const answeredFrom = (table: string) =>
    h.queries.length > 0 && h.queries.every((query) => query.sql.includes(table));
  const json = async (path: string) => {
    h.queries.length = 0;
    const res = await q(path);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  };

  await t.step("active users: DAU/WAU/MAU per day, last day vs the previous period's", async () => {
    const body = await json(`/active-users?${RANGE}`);
    assert.equal(body.series.length, 14);
    for (let i = 0; i < 14; i++) {
      const day = FROM + i * DAY;
      const [dau, wau, mau] = [1, 7, 30].map((span) => activeOn(mine, day, span, TO));
      assert.deepEqual(body.series[i], {
        day: dayOf(day),
        dau,
        wau,
        mau,
        stickiness: mau === 0 ? 0 : round(dau! / mau!),
      });
    }
    const prevDay = FROM - DAY;
    const [dau, wau, mau] = [1, 7, 30].map((span) => activeOn(mine, prevDay, span, FROM));
    assert.deepEqual(
      [body.previous.day, body.previous.dau, body.previous.wau, body.previous.mau],
      [dayOf(prevDay), dau, wau, mau],
    );
    assert.equal(body.current.day, "2026-11-01");
    assert.equal(body.change.dau, dau === 0 ? null : round((body.current.dau - dau!) / dau!));
  });

  await t.step("events: top events, top pages and the daily series", async () => {
    const body = await json(`/events?${RANGE}&limit=3`);
    const byEvent = [...count(current, (e) => e.event)].map(([event, list]) => ({
      event,
      events: list.length,
      users: new Set(list.map(actorOf)).size,
    })).sort((a, b) => b.events - a.events || (a.event < b.event ? -1 : 1));
    assert.deepEqual(body.top_events, byEvent.slice(0, 3));
    const pages = [
      ...count(current.filter((e) => e.event === "page_view"), (e) => new URL(e.url).pathname),
    ].map(([page, list]) => ({
      page,
      views: list.length,
      users: new Set(list.map(actorOf)).size,
    })).sort((a, b) => b.views - a.views || (a.page < b.page ? -1 : 1));
    assert.deepEqual(body.top_pages, pages.slice(0, 3));
    const series = [...count(current, (e) => `${dayOf(ms(e))}|${e.event}`)].map(([k, list]) => {
      const [day, event] = k.split("|");
      return { t: `${day}T00:00:00.000Z`, event, events: list.length };
    }).sort((a, b) => (a.t + a.event < b.t + b.event ? -1 : 1));
    assert.deepEqual(body.series, series);
  });

  await t.step("events: day buckets follow the timezone", async () => {
    const body = await json(`/events?${RANGE}&tz=Europe/Moscow&limit=1`);
    // Local dates: the range starts at Moscow midnight (21:00 UTC the day before).
    const from = FROM - 3 * 3_600_000;
    const to = TO - 3 * 3_600_000;
    const local = mine.filter(inRange(from, to));
    const perDay = count(local, (e) => dayOf(ms(e) + 3 * 3_600_000));
    const total = body.series.reduce((s: number, r: { events: number }) => s + r.events, 0);
    assert.equal(total, local.length);
    const first = body.series[0];
    assert.equal(first.t, "2026-10-18T21:00:00.000Z");
    const expectedFirstDay = perDay.get("2026-10-19")!.filter((e) => e.event === first.event);
    assert.equal(first.events, expectedFirstDay.length);
  });

  const view = (e: TestEvent) => e.event === "product_click";
  const cart = (e: TestEvent) => e.event === "add_to_cart";
  const buy = (e: TestEvent) => e.event === "purchase";

  await t.step(
    "funnel: view → cart → purchase, per-step users, medians, previous period",
    async () => {
      const body = await json(`/funnel?${RANGE}&window=1d`);
      const now = funnelOf(current, [view, cart, buy], DAY);
      const before = funnelOf(previous, [view, cart, buy], DAY);
      assert.deepEqual(
        body.steps.map((s: { users: number }) => s.users),
        now.map((s) => s.users),
      );
      assert.deepEqual(
        body.steps.map((s: { median_seconds_from_previous: number | null }) =>
          s.median_seconds_from_previous
        ),
        now.map((s) => s.median),
      );
      assert.equal(body.conversion, round(now[2]!.users / now[0]!.users));
      assert.equal(body.steps[2].step_conversion, round(now[2]!.users / now[1]!.users));
      assert.deepEqual(
        body.previous.steps.map((s: { users: number }) => s.users),
        before.map((s) => s.users),
      );
      assert.ok(now[2]!.users > 0 && before[2]!.users > 0, "the data set has buyers in both");
    },
  );

  await t.step("funnel: a property condition narrows a step", async () => {
    const body = await json(
      `/funnel?${RANGE}&steps=product_click[category=accessories],add_to_cart&compare=none`,
    );
    const accessory = (e: TestEvent) => view(e) && e.properties.category === "accessories";
    const now = funnelOf(current, [accessory, cart], DAY);
    assert.deepEqual(body.steps.map((s: { users: number }) => s.users), now.map((s) => s.users));
    assert.equal(body.previous, null);
  });

  const orders = (list: TestEvent[]) => list.filter(buy);
  const sum = (list: TestEvent[]) => list.reduce((s, e) => s + (e.revenue_base ?? 0), 0);

  await t.step("revenue: gross, refunds netted, orders, AOV, change vs previous", async () => {
    const body = await json(`/revenue?${RANGE}&interval=week`);
    assert.ok(answeredFrom("revenue_events FINAL"), "revenue reads the revenue_events rollup");
    const figures = (list: TestEvent[]) => {
      const o = orders(list);
      const refunds = list.filter((e) => e.event === "refund");
      return {
        orders: o.length,
        buyers: new Set(o.map(actorOf)).size,
        gross_revenue: sum(o),
        refunds: sum(refunds),
        refunded_orders: refunds.length,
        revenue: sum(o) - sum(refunds),
        aov: o.length === 0 ? 0 : round(sum(o) / o.length, 2),
      };
    };
    assert.deepEqual(body.current, figures(current));
    assert.deepEqual(body.previous, figures(previous));
    assert.equal(body.currency, "USD");
    assert.equal(body.delta.aov, round(figures(current).aov - figures(previous).aov, 2));
    assert.deepEqual(
      body.series.map((s: { t: string; orders: number }) => [s.t, s.orders]),
      [0, 1].map((w) => {
        const weekStart = FROM + w * 7 * DAY;
        return [
          new Date(weekStart).toISOString(),
          orders(current.filter(inRange(weekStart, weekStart + 7 * DAY))).length,
        ];
      }),
    );
  });

  await t.step("geography: orders, buyers, revenue by city with shares", async () => {
    const body = await json(`/geography?${RANGE}&level=city`);
    assert.ok(answeredFrom("revenue_events FINAL"), "geography reads the revenue_events rollup");
    const o = orders(current);
    const total = { orders: o.length, buyers: new Set(o.map(actorOf)).size, revenue: sum(o) };
    assert.deepEqual(body.total, total);
    const places = [...count(o, (e) => `${e.geo_country_code}|${e.geo_city}`)].map(([, list]) => ({
      country_code: list[0]!.geo_country_code,
      country: list[0]!.geo_country,
      city: list[0]!.geo_city,
      orders: list.length,
      buyers: new Set(list.map(actorOf)).size,
      revenue: sum(list),
      share: {
        orders: round(list.length / total.orders),
        buyers: round(new Set(list.map(actorOf)).size / total.buyers),
        revenue: round(sum(list) / total.revenue),
      },
    })).sort((a, b) =>
      b.revenue - a.revenue || b.orders - a.orders ||
      (a.country_code + a.city < b.country_code + b.city ? -1 : 1)
    );
    assert.deepEqual(body.places, places);
  });

  await t.step("products: views, carts, purchases, units, revenue, view → purchase", async () => {
    const body = await json(`/products?${RANGE}&sort=revenue&limit=100`);
    const stats = new Map<
      string,
      { views: number; carts: number; orders: Set<string>; units: number; revenue: number }
    >();
    const get = (id: string) => {
      if (!stats.has(id)) {
        stats.set(id, { views: 0, carts: 0, orders: new Set(), units: 0, revenue: 0 });
      }
      return stats.get(id)!;
    };
    for (const e of current) {
      if (view(e)) get(e.product_id).views++;
      if (cart(e)) get(e.product_id).carts++;
      if (buy(e)) {
        for (
          const item of e.properties.items as {
            product_id: string;
            price: number;
            quantity: number;
          }[]
        ) {
          const s = get(item.product_id);
          s.orders.add(e.event_id);
          s.units += item.quantity;
          s.revenue += item.price * item.quantity;
        }
      }
    }
    const expected = [...stats].map(([id, s]) => ({
      product_id: id,
      views: s.views,
      add_to_carts: s.carts,
      purchases: s.orders.size,
      units: s.units,
      revenue: s.revenue,
      view_to_purchase: s.views === 0 ? null : round(s.orders.size / s.views),
    })).sort((a, b) => b.revenue - a.revenue || (a.product_id < b.product_id ? -1 : 1));
    assert.deepEqual(
      body.products.map(({ name: _n, category: _c, ...rest }: Record<string, unknown>) => rest),
      expected,
    );
  });

  await t.step(
    "campaigns: buyers from Moscow by campaign, with CPA and ROAS from spend",
    async () => {
      const put = await h.get("/api/v1/campaigns/spend", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          entries: [
            { campaign: `${h.id}_spring`, day: "2026-10-20", amount: 100 },
            { campaign: `${h.id}_spring`, day: "2026-10-21", amount: 50.5 },
            { campaign: `${h.id}_spring`, day: "2026-10-01", amount: 999 }, // outside the range
          ],
        }),
      });
      assert.equal(put.status, 200);
      const body = await json(`/campaigns?${RANGE}&city=Moscow&by=campaign`);
      const moscow = current.filter((e) => e.geo_city === "Moscow");
      const sessions = [...count(moscow, (e) => e.session_id).values()].map((list) => {
        const sorted = [...list].sort((a, b) => ms(a) - ms(b));
        return {
          key: sorted.find((e) => e.utm_campaign !== "")?.utm_campaign ?? "",
          visitor: actorOf(sorted.at(-1)!),
          orders: orders(list).length,
          revenue: sum(orders(list)),
        };
      });
      const rows = [...count(sessions, (s) => s.key)].map(([key, list]) => {
        const visitors = new Set(list.map((s) => s.visitor)).size;
        const buyers = new Set(list.filter((s) => s.orders > 0).map((s) => s.visitor)).size;
        const revenue = list.reduce((s, x) => s + x.revenue, 0);
        const spend = key === `${h.id}_spring` ? 150.5 : null;
        return {
          campaign: key === "" ? null : key,
          sessions: list.length,
          visitors,
          buyers,
          orders: list.reduce((s, x) => s + x.orders, 0),
          revenue,
          conversion: round(buyers / visitors),
          spend,
          cpa: spend === null || buyers === 0 ? null : round(spend / buyers, 2),
          roas: spend === null ? null : round(revenue / spend, 4),
        };
      }).sort((a, b) =>
        b.buyers - a.buyers || b.revenue - a.revenue || b.sessions - a.sessions ||
        ((a.campaign ?? "") < (b.campaign ?? "") ? -1 : 1)
      );
      assert.deepEqual(body.rows, rows);
      assert.ok(rows.some((r) => r.cpa !== null), "the spring campaign has Moscow buyers");
    },
  );

  await t.step("cohorts: weekly retention and mobile-first vs web", async () => {
    const body = await json(`/cohorts?from=2026-10-05&to=2026-11-01&weeks=3`);
    assert.ok(answeredFrom("FROM actor_days"), "cohorts read the actor_days rollup");
    const first = new Map<string, TestEvent>();
    for (const e of [...mine].sort((a, b) => ms(a) - ms(b))) {
      if (!first.has(actorOf(e))) first.set(actorOf(e), e);
    }
    const monday = (t: number) => START + Math.floor((t - START) / (7 * DAY)) * 7 * DAY;
    const retention = new Map<string, number[]>();
    for (const [actor, e] of first) {
      const cw = monday(ms(e));
      const weeks = retention.get(dayOf(cw)) ?? [0, 0, 0, 0];
      for (let k = 0; k <= 3; k++) {
        if (mine.some((x) => actorOf(x) === actor && monday(ms(x)) === cw + k * 7 * DAY)) {
          weeks[k]!++;
        }
      }
      retention.set(dayOf(cw), weeks);
    }
    assert.deepEqual(
      body.retention.map((c: { cohort_week: string; weeks: { users: number }[] }) => [
        c.cohort_week,
        c.weeks.map((w) => w.users),
      ]),
      [...retention].sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    for (const group of ["mobile", "web"] as const) {
      const members = [...first].filter(([, e]) =>
        group === "mobile" ? e.platform !== "web" : e.platform === "web"
      );
      const ltv = members.map(([actor]) => {
        const own = mine.filter((e) => actorOf(e) === actor);
        return sum(orders(own)) - sum(own.filter((e) => e.event === "refund"));
      });
      const within7 = members.filter(([actor, e]) =>
        orders(mine.filter((x) =>
          actorOf(x) === actor
        )).some((o) => ms(o) - ms(e) <= 7 * DAY)
      ).length;
      const got = body.first_platform[group];
      assert.equal(got.users, members.length, group);
      assert.equal(got.buyers_within_7d, within7, group);
      assert.equal(got.share_buying_within_7d, round(within7 / members.length), group);
      assert.equal(got.ltv, round(ltv.reduce((s, x) => s + x, 0) / members.length, 2), group);
    }
  });

  await t.step("one user: activity and the latest events, newest first", async () => {
    const userId = `${h.id}_u0`;
    await h.sql`INSERT INTO users (user_id, tier, country_code, traits)
      VALUES (${userId}, 'pro', 'RU', ${h.sql.json({ name: "Ann" })})`;
    const res = await h.get(`/api/v1/users/${userId}?limit=5`);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(
      [body.profile.tier, body.profile.country_code, body.profile.traits],
      ["pro", "RU", { name: "Ann" }],
    );
    // The user page shows every source's events of the user (the other source's copies too).
    assert.equal(body.activity.events, all.filter((e) => e.user_id === userId).length);
    const newest = [...all.filter((e) => e.user_id === userId)].sort((a, b) =>
      ms(b) - ms(a) || (a.event_id < b.event_id ? -1 : 1)
    ).slice(0, 5);
    assert.deepEqual(
      body.timeline.map((e: { event_id: string }) => e.event_id),
      newest.map((e) => e.event_id),
    );
    assert.equal(body.activity.orders, orders(all.filter((e) => e.user_id === userId)).length);
    const missing = await h.get(`/api/v1/users/${h.id}_nobody`);
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.field, "id");
  });
});
