/**
 * `/analytics`: cohorts from the query service: weekly retention by first-seen week (a grid
 * shaded by rate) and users first seen on mobile against those first seen on the web.
 */
import { Hono } from "hono";
import { type PageDeps, renderPage } from "./deps.ts";
import { uiOf } from "../components/ui.ts";
import { resolveAnalyticsRange } from "../core/analytics_range.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { RangePicker, ratioPercent } from "../components/analytics.tsx";
import { DataTable } from "../components/table.tsx";
import { parseChoice } from "../core/params.ts";

const WEEK_CHOICES = ["4", "8", "12"] as const;

/** The analytics page. */
export function analyticsRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const ui = uiOf(c);
    const { t, fmt } = ui;
    const range = resolveAnalyticsRange(c.req.query(), {
      now: deps.now(),
      timeZone: ui.timeZone,
      fallback: "30d",
    });
    const weeks = Number(parseChoice("weeks", c.req.query("weeks"), WEEK_CHOICES) ?? "8");
    // Throws StoreUnavailableError when the query service cannot answer: a 503 page naming it.
    const answer = await deps.query.cohorts(range.params, weeks);
    const money = (v: number) => fmt.money(v, answer.currency);
    const platforms = ["mobile", "web", "other"] as const;
    return renderPage(
      c,
      <Layout title={t("analytics.title")} active="/analytics">
        <PageHead
          title={t("analytics.title")}
          sub={t("analytics.sub", { from: range.fromDay, to: range.toDay })}
        >
          <RangePicker path="/analytics" range={range} ui={ui} />
        </PageHead>
        <div class="panel">
          <h2>{t("analytics.platform")}</h2>
          <DataTable
            id="first-platform"
            columns={[
              { label: t("analytics.col.platform") },
              { label: t("analytics.col.users"), num: true },
              { label: t("analytics.col.buyers"), num: true },
              { label: t("analytics.col.share7"), num: true },
              { label: t("analytics.col.ltv"), num: true },
              { label: t("analytics.col.ltv_buyer"), num: true },
            ]}
            empty={t("analytics.empty")}
            rows={platforms.filter((p) => p !== "other" || answer.first_platform.other.users > 0)
              .map((p) => {
                const row = answer.first_platform[p];
                return (
                  <tr>
                    <td>{t(`analytics.platform.${p}`)}</td>
                    <td class="num">{fmt.count(row.users)}</td>
                    <td class="num">{fmt.count(row.buyers)}</td>
                    <td class="num">{ratioPercent(ui, row.share_buying_within_7d)}</td>
                    <td class="num">{money(row.ltv)}</td>
                    <td class="num">{money(row.ltv_per_buyer)}</td>
                  </tr>
                );
              })}
          />
        </div>
        <div class="panel">
          <h2>{t("analytics.retention")}</h2>
          <DataTable
            id="retention"
            columns={[
              { label: t("analytics.col.cohort") },
              { label: t("analytics.col.size"), num: true },
              ...Array.from({ length: weeks + 1 }, (_, n) => ({
                label: t("analytics.week", { n }),
                num: true,
              })),
            ]}
            empty={t("analytics.empty")}
            rows={answer.retention.map((cohort) => (
              <tr>
                <td class="mono">{cohort.cohort_week}</td>
                <td class="num">{fmt.count(cohort.size)}</td>
                {cohort.weeks.map((w) => (
                  <td
                    class="num"
                    // Shade by rate; dark text stays readable on the lightest to darkest tint.
                    style={`background: rgba(79, 70, 229, ${(w.rate * 0.35).toFixed(3)})`}
                    title={`${fmt.count(w.users)} / ${fmt.count(cohort.size)}`}
                  >
                    {ratioPercent(ui, w.rate)}
                  </td>
                ))}
              </tr>
            ))}
          />
        </div>
      </Layout>,
    );
  });
  return app;
}
