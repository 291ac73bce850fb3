/** `/`: headline KPIs of a period, revenue per day (or hour), top products, business feed. */
import { Hono } from "hono";
import { type PageDeps, renderPage } from "./deps.ts";
import { customPeriod, fillBuckets, resolvePeriod } from "../core/period.ts";
import { resolveAnalyticsRange } from "../core/analytics_range.ts";
import { parseText } from "../core/params.ts";
import { InsightsSection, loadInsights } from "./overview_insights.tsx";
import { RangePicker } from "../components/analytics.tsx";
import { uiOf } from "../components/ui.ts";
import { BASE_CURRENCY, withClickHouse, withPostgres } from "../adapters/stores.ts";
import {
  orderKpis,
  recentBusinessEvents,
  revenueSeries,
  topProducts,
} from "../adapters/pg_overview.ts";
import { trafficKpis } from "../adapters/ch_traffic.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { EmptyRow, KpiCard, orDash } from "../components/widgets.tsx";
import { BarChart } from "../components/chart.tsx";

/** The overview page. */
export function overviewRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const ui = uiOf(c);
    const { t, fmt } = ui;
    const formatCount = fmt.count;
    const formatMoney = fmt.money;
    const formatTime = fmt.time;
    const formatDay = (d: Date) => fmt.day(d);
    const city = parseText("city", c.req.query("city"), { maxLength: 100 });
    const range = resolveAnalyticsRange(c.req.query(), {
      now: deps.now(),
      timeZone: ui.timeZone,
      fallback: "7d",
    });
    // PostgreSQL and ClickHouse figures are whole UTC days (see docs/admin.md, Decisions).
    const period = range.key === "custom"
      ? customPeriod(new Date(`${range.fromDay}T00:00:00Z`), new Date(`${range.toDay}T00:00:00Z`))
      : resolvePeriod(range.key, deps.now());
    const [insights, kpis, series, products, feed, traffic] = await Promise.all([
      loadInsights(deps.query, range, { city }),
      withPostgres(deps.stores, (sql) => orderKpis(sql, period)),
      withPostgres(deps.stores, (sql) => revenueSeries(sql, period)),
      withPostgres(deps.stores, (sql) => topProducts(sql, period, { limit: 5 })),
      withPostgres(deps.stores, (sql) => recentBusinessEvents(sql, { limit: 10 })),
      withClickHouse(deps.stores, (ch) => trafficKpis(ch, period)),
    ]);
    const points = fillBuckets(period, series).map(({ bucket, value }) => {
      const label = period.bucket === "hour"
        ? `${bucket.toISOString().slice(11, 16)}`
        : formatDay(bucket);
      return { label, value, title: `${label}: ${formatMoney(value, BASE_CURRENCY)}` };
    });
    return renderPage(
      c,
      <Layout title={t("overview.title")} active="/">
        <PageHead
          title={t("overview.title")}
          sub={t("overview.sub", {
            period: t(`period.${period.key}`),
            from: formatDay(period.from),
            to: formatDay(new Date(period.to.getTime() - 1)),
          })}
        >
          <RangePicker path="/" range={range} ui={ui} />
        </PageHead>
        <InsightsSection insights={insights} range={range} ui={ui} city={city} />
        <h2>{t("overview.store_figures")}</h2>
        <div class="grid kpis">
          <KpiCard id="orders" label={t("overview.kpi.orders")} value={formatCount(kpis.orders)} />
          <KpiCard
            id="revenue"
            label={t("overview.kpi.revenue")}
            value={formatMoney(kpis.revenue, BASE_CURRENCY)}
            hint={kpis.unconverted > 0
              ? t("overview.kpi.unconverted", { count: kpis.unconverted })
              : t("overview.kpi.revenue_hint")}
          />
          <KpiCard
            id="aov"
            label={t("overview.kpi.aov")}
            value={formatMoney(kpis.aov, BASE_CURRENCY)}
          />
          <KpiCard
            id="signups"
            label={t("overview.kpi.signups")}
            value={formatCount(kpis.signups)}
          />
          <KpiCard
            id="active-users"
            label={period.key === "today" ? t("overview.kpi.dau") : t("overview.kpi.active")}
            value={formatCount(traffic.activeUsers)}
            hint={t("overview.kpi.active_hint")}
          />
          <KpiCard
            id="events"
            label={t("overview.kpi.events")}
            value={formatCount(traffic.events)}
          />
        </div>
        <div class="grid two">
          <div>
            <div class="panel">
              <h2>{t(`overview.revenue_per.${period.bucket}`, { currency: BASE_CURRENCY })}</h2>
              <BarChart
                points={points}
                ariaLabel={t(`overview.revenue_per.${period.bucket}`, { currency: BASE_CURRENCY })}
              />
            </div>
            <div class="panel">
              <h2>{t("overview.top_products")}</h2>
              <table id="top-products">
                <thead>
                  <tr>
                    <th>{t("overview.col.product")}</th>
                    <th class="num">{t("overview.col.units")}</th>
                    <th class="num">{t("overview.col.orders")}</th>
                    <th class="num">{t("overview.col.revenue")}</th>
                  </tr>
                </thead>
                <tbody>
                  {products.length === 0 && (
                    <EmptyRow columns={4}>{t("overview.no_sales")}</EmptyRow>
                  )}
                  {products.map((p) => (
                    <tr>
                      <td>
                        <a href={`/products/${encodeURIComponent(p.product_id)}`}>
                          {p.name ?? p.product_id}
                        </a>
                      </td>
                      <td class="num">{formatCount(p.units)}</td>
                      <td class="num">{formatCount(p.orders)}</td>
                      <td class="num">{formatMoney(p.revenue, BASE_CURRENCY)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
          <div class="panel">
            <h2>{t("overview.feed")}</h2>
            <ul class="feed" id="feed">
              {feed.length === 0 && <li class="muted">{t("overview.no_feed")}</li>}
              {feed.map((e) => (
                <li>
                  <span>
                    <strong>{e.event}</strong> {e.user_id !== null
                      ? <a href={`/users/${encodeURIComponent(e.user_id)}`}>{e.user_id}</a>
                      : <span class="muted">{t("overview.anonymous")}</span>}
                    <div class="muted">
                      {[e.city, e.country_code, e.platform].filter((v) => v).join(" · ") ||
                        orDash(null)}
                    </div>
                  </span>
                  <span class="muted mono">{formatTime(e.occurred_at)}</span>
                </li>
              ))}
            </ul>
          </div>
        </div>
      </Layout>,
    );
  });
  return app;
}
