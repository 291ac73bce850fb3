/** `/campaigns`: campaigns with their attributed orders, and traffic per utm_campaign. */
import { Hono } from "hono";
import { type PageDeps, renderPage } from "./deps.ts";
import { resolvePeriod } from "../core/period.ts";
import { formatCount, formatDay, formatMoney, formatPercent } from "../core/format.ts";
import { BASE_CURRENCY, withClickHouse, withPostgres } from "../adapters/stores.ts";
import { listCampaigns } from "../adapters/pg_catalog.ts";
import { campaignTraffic } from "../adapters/ch_traffic.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { Badge, EmptyRow, orDash, PeriodTabs } from "../components/widgets.tsx";

/** Where a campaign stands at `now`. */
export function campaignState(campaign: { starts_at: Date; ends_at: Date }, now: Date): string {
  if (now < campaign.starts_at) return "upcoming";
  return now < campaign.ends_at ? "active" : "ended";
}

/** The campaigns page. */
export function campaignRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const now = deps.now();
    const period = resolvePeriod(c.req.query("period") ?? "30d", now);
    const [campaigns, traffic] = await Promise.all([
      withPostgres(deps.stores, listCampaigns),
      withClickHouse(deps.stores, (ch) => campaignTraffic(ch, period, { limit: 50 })),
    ]);
    const visitorsByUtm = new Map(traffic.map((t) => [t.utm_campaign, t.visitors]));
    const active = campaigns.filter((x) => campaignState(x, now) === "active").length;
    return renderPage(
      c,
      <Layout title="Campaigns" active="/campaigns">
        <PageHead title="Campaigns" sub={`${active} active · ${campaigns.length} in total`}>
          <PeriodTabs path="/campaigns" active={period.key} />
        </PageHead>
        <div class="panel">
          <h2>Campaigns</h2>
          <table id="campaigns">
            <thead>
              <tr>
                <th>Campaign</th>
                <th>Status</th>
                <th>utm_campaign</th>
                <th>Channel</th>
                <th>Runs</th>
                <th class="num">Visitors ({period.label.toLowerCase()})</th>
                <th class="num">Orders</th>
                <th class="num">Customers</th>
                <th class="num">Revenue</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.length === 0 && <EmptyRow columns={9}>No campaigns configured</EmptyRow>}
              {campaigns.map((x) => (
                <tr>
                  <td>
                    <strong>{x.name}</strong>
                    <div class="muted mono">{x.campaign_id}</div>
                  </td>
                  <td>
                    <Badge text={campaignState(x, now)} />
                  </td>
                  <td class="mono">{orDash(x.utm_campaign)}</td>
                  <td>{orDash(x.channel)}</td>
                  <td class="mono">{formatDay(x.starts_at)} → {formatDay(x.ends_at)}</td>
                  <td class="num">
                    {x.utm_campaign !== null
                      ? formatCount(visitorsByUtm.get(x.utm_campaign) ?? 0)
                      : "—"}
                  </td>
                  <td class="num">{formatCount(x.orders)}</td>
                  <td class="num">{formatCount(x.customers)}</td>
                  <td class="num">{formatMoney(x.revenue, BASE_CURRENCY)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">
            Orders and revenue count orders tagged with the campaign inside its run, net of refunds
            and cancellations.
          </p>
        </div>
        <div class="panel">
          <h2>Traffic by utm_campaign · {period.label}</h2>
          <table id="campaign-traffic">
            <thead>
              <tr>
                <th>utm_campaign</th>
                <th>Source / medium</th>
                <th class="num">Visitors</th>
                <th class="num">Sessions</th>
                <th class="num">Events</th>
                <th class="num">Share of visitors</th>
              </tr>
            </thead>
            <tbody>
              {traffic.length === 0 && (
                <EmptyRow columns={6}>No campaign traffic in this period</EmptyRow>
              )}
              {traffic.map((t) => (
                <tr>
                  <td class="mono">{t.utm_campaign}</td>
                  <td>{[t.utm_source, t.utm_medium].filter((v) => v).join(" / ") || "—"}</td>
                  <td class="num">{formatCount(t.visitors)}</td>
                  <td class="num">{formatCount(t.sessions)}</td>
                  <td class="num">{formatCount(t.events)}</td>
                  <td class="num">
                    {formatPercent(t.visitors, traffic.reduce((sum, x) => sum + x.visitors, 0))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Layout>,
    );
  });
  return app;
}
