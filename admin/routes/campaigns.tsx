/** `/campaigns`: campaigns with their attributed orders, and traffic per utm_campaign. */
import { Hono } from "hono";
import { uiOf } from "../components/ui.ts";
import { type PageDeps, renderPage } from "./deps.ts";
import { resolvePeriod } from "../core/period.ts";
import { formatCount, formatDay, formatMoney, formatPercent } from "../core/format.ts";
import { BASE_CURRENCY, withClickHouse, withPostgres } from "../adapters/stores.ts";
import { listCampaigns } from "../adapters/pg_catalog.ts";
import { campaignTraffic } from "../adapters/ch_traffic.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { DataTable } from "../components/table.tsx";
import { Badge, orDash, PeriodTabs } from "../components/widgets.tsx";

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
          <PeriodTabs path="/campaigns" active={period.key} ui={uiOf(c)} />
        </PageHead>
        <div class="panel">
          <h2>Campaigns</h2>
          <DataTable
            id="campaigns"
            columns={[
              { label: "Campaign" },
              { label: "Status" },
              { label: "utm_campaign" },
              { label: "Channel" },
              { label: "Runs" },
              { label: `Visitors (${period.label.toLowerCase()})`, num: true },
              { label: "Orders", num: true },
              { label: "Customers", num: true },
              { label: "Revenue", num: true },
            ]}
            empty="No campaigns configured"
            rows={campaigns.map((x) => (
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
          />
          <p class="muted">
            Orders and revenue count orders tagged with the campaign inside its run, net of refunds
            and cancellations.
          </p>
        </div>
        <div class="panel">
          <h2>Traffic by utm_campaign · {period.label}</h2>
          <DataTable
            id="campaign-traffic"
            columns={[
              { label: "utm_campaign" },
              { label: "Source / medium" },
              { label: "Visitors", num: true },
              { label: "Sessions", num: true },
              { label: "Events", num: true },
              { label: "Share of visitors", num: true },
            ]}
            empty="No campaign traffic in this period"
            rows={traffic.map((t) => (
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
          />
        </div>
      </Layout>,
    );
  });
  return app;
}
