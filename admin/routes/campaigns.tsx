/** `/campaigns`: campaigns with their attributed orders, and traffic per utm_campaign. */
import { Hono } from "hono";
import { uiOf } from "../components/ui.ts";
import { type PageDeps, renderPage } from "./deps.ts";
import { resolvePeriod } from "../core/period.ts";
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
    const { t, fmt } = uiOf(c);
    const { count: formatCount, money: formatMoney, percent: formatPercent, day: formatDay } = fmt;
    const now = deps.now();
    const period = resolvePeriod(c.req.query("period") ?? "30d", now);
    const [campaigns, traffic] = await Promise.all([
      withPostgres(deps.stores, listCampaigns),
      withClickHouse(deps.stores, (ch) => campaignTraffic(ch, period, { limit: 50 })),
    ]);
    const visitorsByUtm = new Map(traffic.map((row) => [row.utm_campaign, row.visitors]));
    const active = campaigns.filter((x) => campaignState(x, now) === "active").length;
    return renderPage(
      c,
      <Layout title={t("campaigns.title")} active="/campaigns">
        <PageHead
          title={t("campaigns.title")}
          sub={t("campaigns.sub", { active, total: campaigns.length })}
        >
          <PeriodTabs path="/campaigns" active={period.key} ui={uiOf(c)} />
        </PageHead>
        <div class="panel">
          <h2>{t("campaigns.title")}</h2>
          <DataTable
            id="campaigns"
            columns={[
              { label: t("campaigns.col.campaign") },
              { label: t("campaigns.col.status") },
              { label: "utm_campaign" },
              { label: t("campaigns.col.channel") },
              { label: t("campaigns.col.runs") },
              {
                label: t("campaigns.col.visitors", {
                  period: t(`period.${period.key}`).toLowerCase(),
                }),
                num: true,
              },
              { label: t("campaigns.col.orders"), num: true },
              { label: t("campaigns.col.customers"), num: true },
              { label: t("campaigns.col.revenue"), num: true },
            ]}
            empty={t("campaigns.empty")}
            rows={campaigns.map((x) => (
              <tr>
                <td>
                  <strong>{x.name}</strong>
                  <div class="muted mono">{x.campaign_id}</div>
                </td>
                <td>
                  <Badge text={campaignState(x, now)} />
                </td>
                <td class="mono">
                  {x.utm_campaign === null
                    ? orDash(null)
                    : (
                      <a href={`/campaigns/${encodeURIComponent(x.utm_campaign)}`}>
                        {x.utm_campaign}
                      </a>
                    )}
                </td>
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
            {t("campaigns.note")}
          </p>
        </div>
        <div class="panel">
          <h2>{t("campaigns.traffic", { period: t(`period.${period.key}`) })}</h2>
          <DataTable
            id="campaign-traffic"
            columns={[
              { label: "utm_campaign" },
              { label: t("campaigns.col.source") },
              { label: t("campaigns.col.visitors_short"), num: true },
              { label: t("campaigns.col.sessions"), num: true },
              { label: t("campaigns.col.events"), num: true },
              { label: t("campaigns.col.share"), num: true },
            ]}
            empty={t("campaigns.no_traffic")}
            rows={traffic.map((row) => (
              <tr>
                <td class="mono">{row.utm_campaign}</td>
                <td>{[row.utm_source, row.utm_medium].filter((v) => v).join(" / ") || "—"}</td>
                <td class="num">{formatCount(row.visitors)}</td>
                <td class="num">{formatCount(row.sessions)}</td>
                <td class="num">{formatCount(row.events)}</td>
                <td class="num">
                  {formatPercent(row.visitors, traffic.reduce((sum, x) => sum + x.visitors, 0))}
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
