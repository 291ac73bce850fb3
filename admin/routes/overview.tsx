/** `/`: headline KPIs of a period, revenue per day (or hour), top products, business feed. */
import { Hono } from "hono";
import { type PageDeps, renderPage } from "./deps.ts";
import { fillBuckets, resolvePeriod } from "../core/period.ts";
import { formatCount, formatDay, formatMoney, formatTime } from "../core/format.ts";
import { BASE_CURRENCY, withClickHouse, withPostgres } from "../adapters/stores.ts";
import {
  orderKpis,
  recentBusinessEvents,
  revenueSeries,
  topProducts,
} from "../adapters/pg_overview.ts";
import { trafficKpis } from "../adapters/ch_traffic.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { EmptyRow, KpiCard, orDash, PeriodTabs } from "../components/widgets.tsx";
import { BarChart } from "../components/chart.tsx";

/** The overview page. */
export function overviewRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const period = resolvePeriod(c.req.query("period"), deps.now());
    const [kpis, series, products, feed, traffic] = await Promise.all([
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
      <Layout title="Overview" active="/">
        <PageHead
          title="Overview"
          sub={`${period.label} · ${formatDay(period.from)} to ${
            formatDay(new Date(period.to.getTime() - 1))
          }`}
        >
          <PeriodTabs path="/" active={period.key} />
        </PageHead>
        <div class="grid kpis">
          <KpiCard id="orders" label="Orders" value={formatCount(kpis.orders)} />
          <KpiCard
            id="revenue"
            label="Revenue"
            value={formatMoney(kpis.revenue, BASE_CURRENCY)}
            hint={kpis.unconverted > 0
              ? `${kpis.unconverted} order(s) without exchange rate excluded`
              : "Net of refunds and cancellations"}
          />
          <KpiCard id="aov" label="Avg order value" value={formatMoney(kpis.aov, BASE_CURRENCY)} />
          <KpiCard id="signups" label="Signups" value={formatCount(kpis.signups)} />
          <KpiCard
            id="active-users"
            label={period.key === "today" ? "Daily active users" : "Active users"}
            value={formatCount(traffic.activeUsers)}
            hint="Distinct visitors, bots excluded"
          />
          <KpiCard id="events" label="Events" value={formatCount(traffic.events)} />
        </div>
        <div class="grid two">
          <div>
            <div class="panel">
              <h2>Revenue per {period.bucket} ({BASE_CURRENCY})</h2>
              <BarChart points={points} ariaLabel={`Revenue per ${period.bucket}`} />
            </div>
            <div class="panel">
              <h2>Top products</h2>
              <table id="top-products">
                <thead>
                  <tr>
                    <th>Product</th>
                    <th class="num">Units</th>
                    <th class="num">Orders</th>
                    <th class="num">Revenue</th>
                  </tr>
                </thead>
                <tbody>
                  {products.length === 0 && (
                    <EmptyRow columns={4}>No sales in this period</EmptyRow>
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
            <h2>Recent business events</h2>
            <ul class="feed" id="feed">
              {feed.length === 0 && <li class="muted">No business events yet</li>}
              {feed.map((e) => (
                <li>
                  <span>
                    <strong>{e.event}</strong> {e.user_id !== null
                      ? <a href={`/users/${encodeURIComponent(e.user_id)}`}>{e.user_id}</a>
                      : <span class="muted">anonymous</span>}
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
