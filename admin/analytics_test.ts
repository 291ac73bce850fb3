/**
 * The analytics pages in-process against a real query service process (query/main.ts) over a
 * known shop history in a private far-future window: the overview's comparisons, funnel, cities
 * and campaign performance, the cohorts page, campaign spend editing (CPA changes, audited,
 * admins only, CSRF), and what the pages say when the query service is unreachable.
 */
import assert from "node:assert/strict";
import { createApp } from "./app.tsx";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { freePort } from "../shared/process/mod.ts";
import { createQueryClient } from "./adapters/query_client.ts";
import type { Stores } from "./adapters/stores.ts";
import { farFutureNow, randomPrefix, removeWorld } from "./testing/seed.ts";
import { EXPECTED, seedAnalytics } from "./testing/analytics_seed.ts";
import { startQueryService } from "./testing/query_service.ts";
import { openTestStores } from "./testing/stores.ts";
import { kpi, tableRows } from "./testing/http.ts";
import { removeStaff, signedIn, TEST_COST } from "./testing/session.ts";

const quiet = createLogger("admin", { write: () => {} });

function appFor(stores: Stores, now: Date, query: { url: string; token: string }) {
  return createApp({
    // The shared ClickHouse stand-in is slow under parallel suites; a 503 is not what we test.
    stores: { pg: stores.pg, ch: stores.ch, timeoutMs: 60_000 },
    registry: createRegistry("admin", { processMetrics: false }),
    logger: quiet,
    now: () => now,
    passwordCost: TEST_COST,
    query: createQueryClient({ ...query, timeoutMs: 150_000 }),
  });
}

Deno.test("analytics pages show the query service's exact answers; spend edits change CPA", async (t) => {
  await using stores = await openTestStores();
  const prefix = randomPrefix();
  const now = farFutureNow();
  const world = await seedAnalytics(stores, prefix, now);
  const query = await startQueryService(stores.pg, prefix);
  const app = appFor(stores, now, query);
  const range = `period=custom&from=${world.fromDay}&to=${world.toDay}`;
  try {
    const admin = await signedIn(app, stores.pg, { prefix, role: "admin" });
    const viewer = await signedIn(app, stores.pg, { prefix, role: "viewer" });

    await t.step("overview: funnel, revenue and AOV with change, cities, campaign", async () => {
      const page = await admin.get(`/?${range}`);
      assert.equal(page.status, 200, page.html.slice(0, 500));
      assert.equal(kpi(page.html, "wau"), String(EXPECTED.wau));
      assert.equal(kpi(page.html, "dau"), String(EXPECTED.dau));
      assert.equal(kpi(page.html, "q-revenue"), "$450.00");
      assert.equal(kpi(page.html, "q-orders"), "3");
      assert.equal(kpi(page.html, "q-aov"), "$150.00");
      // 450 against 80 the week before: +462.5 %.
      assert.match(
        page.html,
        /data-kpi="q-revenue"[^]*?data-change="true">\+462\.5% vs comparison/,
      );
      const funnel = /<div class="chart" id="funnel">([^]*?)<\/div>/.exec(page.html)?.[1] ?? "";
      assert.deepEqual(
        [...funnel.matchAll(/<title>[^:]+: ([\d,]+) ·/g)].map((m) => Number(m[1])),
        EXPECTED.funnel.current,
      );
      // 2 of 4 viewers bought, against 1 of 3 the week before.
      assert.match(page.html, /Viewers who bought: 50\.0% \(comparison period: 33\.3%\)/);
      const cities = /<div class="chart" id="cities">([^]*?)<\/div>/.exec(page.html)?.[1] ?? "";
      assert.deepEqual(
        [...cities.matchAll(/<title>([^:]+):/g)].map((m) => m[1]),
        EXPECTED.cities,
      );
      const campaign = tableRows(page.html, "campaign-performance").find((r) =>
        r[0] === world.campaign
      );
      assert.deepEqual(campaign?.slice(1, 5), ["3", "2", "66.7%", "$400.00"]);
      // Which campaign brings buyers from Moscow: u1 bought, u2 only carted there.
      const moscow = await admin.get(`/?${range}&city=Moscow`);
      assert.deepEqual(
        tableRows(moscow.html, "campaign-performance").find((r) => r[0] === world.campaign)
          ?.slice(1, 5),
        ["2", "1", "50.0%", "$100.00"],
      );
    });

    await t.step("analytics: first seen on mobile vs web, retention grid", async () => {
      const page = await admin.get(`/analytics?${range}`);
      assert.equal(page.status, 200);
      const rows = tableRows(page.html, "first-platform");
      assert.deepEqual(rows[0]?.slice(0, 4), ["Mobile (iOS, Android)", "2", "1", "50.0%"]);
      assert.deepEqual(rows[1]?.slice(0, 4), ["Web", "2", "2", "100.0%"]);
      assert.equal(rows[0]?.[4], "$150.00");
      const grid = tableRows(page.html, "retention");
      assert.equal(grid.reduce((sum, r) => sum + Number(r[1]), 0), 4);
    });

    await t.step("campaign page: an admin records spend and CPA follows", async () => {
      const path = `/campaigns/${world.campaign}?${range}`;
      const before = await admin.get(path);
      assert.equal(before.status, 200, before.html.slice(-1500));
      assert.equal(kpi(before.html, "buyers"), "2");
      assert.equal(kpi(before.html, "cpa"), "—");
      const save = (amount: string) =>
        admin.post(`/campaigns/${world.campaign}/spend?${range}`, {
          day: world.toDay,
          amount,
        });
      const first = await save("100");
      const firstHtml = await first.text();
      assert.equal(first.status, 200, firstHtml.slice(-1500));
      assert.equal(kpi(firstHtml, "cpa"), "$50.00");
      const second = await save("300.50");
      const secondHtml = await second.text();
      assert.equal(kpi(secondHtml, "cpa"), "$150.25");
      assert.equal(kpi(secondHtml, "spend"), "$300.50");
      assert.match(secondHtml, /Saved spend of \$300\.50/);
      const audit = await stores.pg<{ details: { before: number; after: number } }[]>`
        SELECT details FROM admin_audit WHERE actor = ${admin.username}
          AND action = 'campaign.spend' ORDER BY at`;
      assert.deepEqual(audit.map((a) => [a.details.before, a.details.after]), [
        [null, 100],
        [100, 300.5],
      ]);
    });

    await t.step("spend: bad amount named, viewer and missing CSRF refused", async () => {
      const bad = await admin.post(`/campaigns/${world.campaign}/spend`, {
        day: world.toDay,
        amount: "-5",
      });
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), /Field &quot;amount&quot; must be a non-negative amount/);
      const refused = await viewer.post(`/campaigns/${world.campaign}/spend`, {
        day: world.toDay,
        amount: "1",
      });
      assert.equal(refused.status, 403);
      await refused.body?.cancel();
      const noCsrf = await admin.post(`/campaigns/${world.campaign}/spend`, {
        day: world.toDay,
        amount: "1",
      }, { csrf: false });
      assert.equal(noCsrf.status, 403);
      await noCsrf.body?.cancel();
      const page = await admin.get(`/campaigns/${world.campaign}?${range}`);
      assert.equal(kpi(page.html, "spend"), "$300.50");
    });
  } finally {
    await query[Symbol.asyncDispose]();
    await removeWorld(stores, world);
    await removeStaff(stores.pg, prefix);
  }
});

Deno.test("an unreachable query service is named: a notice on the overview, 503 on analytics", async () => {
  await using stores = await openTestStores();
  const prefix = randomPrefix();
  const app = appFor(stores, farFutureNow(), {
    url: `http://127.0.0.1:${freePort()}`,
    token: "nobody",
  });
  try {
    const admin = await signedIn(app, stores.pg, { prefix, role: "admin" });
    const overview = await admin.get("/?period=7d");
    assert.equal(overview.status, 200);
    assert.match(overview.html, /id="query-unavailable"[^>]*>The query service is unavailable/);
    assert.ok(kpi(overview.html, "orders") !== undefined, "the store figures still show");
    const analytics = await admin.get("/analytics", { accept: "application/json" });
    assert.equal(analytics.status, 503);
    assert.equal(JSON.parse(analytics.html).error.store, "Query service");
  } finally {
    await removeStaff(stores.pg, prefix);
  }
});
