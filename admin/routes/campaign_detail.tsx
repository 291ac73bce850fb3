/**
 * `/campaigns/:campaign`: one campaign's performance from the query service (visitors, buyers,
 * revenue) with its spend per day and the cost per acquisition; admins record spend here
 * (through the query service's spend API, CSRF-checked by the gate, audited).
 */
import { type Context, Hono } from "hono";
import { idParam, type PageDeps, renderPage } from "./deps.ts";
import { uiOf } from "../components/ui.ts";
import { resolveAnalyticsRange } from "../core/analytics_range.ts";
import { parseSpendForm } from "../core/spend_form.ts";
import { insertAudit, roleAtLeast } from "../adapters/pg_access.ts";
import { BASE_CURRENCY, withPostgres } from "../adapters/stores.ts";
import { formField, requireRole, staffOf } from "../access/middleware.ts";
import { CsrfField, Layout, PageHead } from "../components/layout.tsx";
import { RangePicker } from "../components/analytics.tsx";
import { DataTable } from "../components/table.tsx";
import { KpiCard } from "../components/widgets.tsx";

/** Spend over the days and the cost per buyer; null when there are no buyers. */
export function costPerAcquisition(spend: number, buyers: number): number | null {
  return buyers === 0 ? null : Math.round((spend / buyers) * 100) / 100;
}

/** The campaign page and its spend form. */
export function campaignDetailRoutes(deps: PageDeps): Hono {
  const app = new Hono();

  const page = async (c: Context, flash?: string) => {
    const ui = uiOf(c);
    const { t, fmt } = ui;
    const campaign = idParam(c);
    const range = resolveAnalyticsRange(c.req.query(), {
      now: deps.now(),
      timeZone: ui.timeZone,
      fallback: "30d",
    });
    const [answer, entries] = await Promise.all([
      deps.query.campaigns(range.params, { campaign }),
      deps.query.spend({ from: range.fromDay, to: range.toDay, campaign }),
    ]);
    const row = answer.rows.find((r) => r.campaign === campaign);
    const buyers = row?.buyers ?? 0;
    const revenue = row?.revenue ?? 0;
    // Spend is read fresh from the spend API, so a saved amount shows in CPA at once even while
    // the campaigns answer is still cached.
    const spend = entries.reduce((sum, e) => sum + e.amount, 0);
    // No spend recorded is "unknown", not free: CPA stays a dash until someone records it.
    const cpa = entries.length === 0 ? null : costPerAcquisition(spend, buyers);
    const money = (v: number | null) => fmt.money(v, answer.currency);
    const isAdmin = roleAtLeast(staffOf(c).role, "admin");
    const keep = c.req.query("period") === "custom"
      ? `?period=custom&from=${range.fromDay}&to=${range.toDay}`
      : `?period=${range.key}`;
    return renderPage(
      c,
      <Layout title={t("campaign.title", { campaign })} active="/campaigns">
        <PageHead
          title={t("campaign.title", { campaign })}
          sub={t("campaign.sub", { from: range.fromDay, to: range.toDay })}
        >
          <RangePicker path={`/campaigns/${encodeURIComponent(campaign)}`} range={range} ui={ui} />
        </PageHead>
        {flash !== undefined && <p class="flash ok" role="status">{flash}</p>}
        <div class="grid kpis">
          <KpiCard
            id="visitors"
            label={t("campaign.kpi.visitors")}
            value={fmt.count(row?.visitors ?? 0)}
          />
          <KpiCard id="buyers" label={t("campaign.kpi.buyers")} value={fmt.count(buyers)} />
          <KpiCard id="revenue" label={t("campaign.kpi.revenue")} value={money(revenue)} />
          <KpiCard
            id="spend"
            label={t("campaign.kpi.spend")}
            value={entries.length === 0 ? "—" : money(spend)}
          />
          <KpiCard
            id="cpa"
            label={t("campaign.kpi.cpa")}
            value={money(cpa)}
            hint={t("campaign.kpi.cpa_hint")}
          />
          <KpiCard
            id="roas"
            label={t("campaign.kpi.roas")}
            value={entries.length === 0 || spend === 0 ? "—" : (revenue / spend).toFixed(2)}
          />
        </div>
        <div class="grid two">
          <div class="panel">
            <h2>{t("campaign.spend")}</h2>
            <DataTable
              id="spend"
              columns={[
                { label: t("campaign.col.day") },
                { label: t("campaign.col.amount"), num: true },
              ]}
              empty={t("campaign.no_spend")}
              rows={entries.map((e) => (
                <tr>
                  <td class="mono">{e.day}</td>
                  <td class="num">{money(e.amount)}</td>
                </tr>
              ))}
            />
          </div>
          <div class="panel">
            <h2>{t("campaign.form.title")}</h2>
            {isAdmin
              ? (
                <form
                  class="stacked"
                  method="post"
                  id="spend-form"
                  action={`/campaigns/${encodeURIComponent(campaign)}/spend${keep}`}
                >
                  <CsrfField token={staffOf(c).csrf_token} />
                  <label>
                    {t("campaign.form.day")}
                    <input type="date" name="day" required value={range.toDay} />
                  </label>
                  <label>
                    {t("campaign.form.amount", { currency: answer.currency })}
                    <input name="amount" required inputmode="decimal" pattern="\d+([.,]\d{1,2})?" />
                  </label>
                  <button type="submit">{t("campaign.form.submit")}</button>
                </form>
              )
              : <p class="muted">{t("campaign.admin_only")}</p>}
            <p>
              <a href="/campaigns">{t("campaign.all")}</a>
            </p>
          </div>
        </div>
      </Layout>,
    );
  };

  app.get("/:id", (c) => page(c));
  app.post("/:id/spend", requireRole("admin"), async (c) => {
    const { t, fmt } = uiOf(c);
    const campaign = idParam(c);
    const form = parseSpendForm({
      day: await formField(c, "day"),
      amount: await formField(c, "amount"),
    });
    const [before] = await deps.query.spend({ from: form.day, to: form.day, campaign });
    await deps.query.setSpend([{ campaign, day: form.day, amount: form.amount }]);
    await withPostgres(deps.stores, (sql) =>
      insertAudit(sql, {
        actor: staffOf(c).username,
        action: "campaign.spend",
        target: campaign,
        details: { day: form.day, before: before?.amount ?? null, after: form.amount },
      }));
    return page(
      c,
      t("campaign.saved", { amount: fmt.money(form.amount, BASE_CURRENCY), day: form.day }),
    );
  });
  return app;
}
