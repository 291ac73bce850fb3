/**
 * The overview's analytics from the query service: active users, revenue and AOV against the
 * comparison period, the view → cart → purchase funnel, orders by city, top products and campaign
 * performance with CPA. When the query service cannot answer, a notice says so and the rest of
 * the overview (PostgreSQL, ClickHouse) still shows.
 */
import type {
  ActiveUsersAnswer,
  CampaignsAnswer,
  FunnelAnswer,
  GeographyAnswer,
  ProductsAnswer,
  QueryClient,
  RevenueAnswer,
} from "../adapters/query_client.ts";
import type { AnalyticsRange } from "../core/analytics_range.ts";
import { StoreUnavailableError } from "../core/errors.ts";
import type { Ui } from "../components/ui.ts";
import {
  ChangeKpi,
  QueryUnavailable,
  ratioPercent,
  signedPercent,
} from "../components/analytics.tsx";
import { BarChart, HBarChart } from "../components/chart.tsx";
import { DataTable } from "../components/table.tsx";

/** Everything the section shows, or why it cannot. */
export type Insights =
  | {
    ok: true;
    active: ActiveUsersAnswer;
    revenue: RevenueAnswer;
    funnel: FunnelAnswer;
    cities: GeographyAnswer;
    products: ProductsAnswer;
    campaigns: CampaignsAnswer;
  }
  | { ok: false; detail: string };

/** Asks the query service every question of the section at once. */
export async function loadInsights(
  query: QueryClient,
  range: AnalyticsRange,
  opts: { city?: string } = {},
): Promise<Insights> {
  const p = range.params;
  // Buckets of the revenue chart: hours for today, days otherwise.
  const revenueParams = { ...p, interval: range.key === "today" ? "hour" : "day" };
  try {
    const [active, revenue, funnel, cities, products, campaigns] = await Promise.all([
      query.activeUsers(p),
      query.revenue(revenueParams),
      query.funnel(p),
      query.cities(p, 10),
      query.products(p, 10),
      // "Which campaign brings most buyers from Moscow": the city narrows the campaign table only.
      query.campaigns(p, opts.city === undefined ? {} : { city: opts.city }),
    ]);
    return { ok: true, active, revenue, funnel, cities, products, campaigns };
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
    return { ok: false, detail: cause };
  }
}

const FUNNEL_LABELS = [
  "insights.funnel.view",
  "insights.funnel.cart",
  "insights.funnel.purchase",
] as const;

/** The section. */
export function InsightsSection(
  props: { insights: Insights; range: AnalyticsRange; ui: Ui; city?: string },
) {
  const { ui, insights } = props;
  const { t, fmt } = ui;
  if (!insights.ok) return <QueryUnavailable ui={ui} detail={insights.detail} />;
  const { active, revenue, funnel, cities, products, campaigns } = insights;
  const money = (v: number | null) => fmt.money(v, revenue.currency);
  const against = t(`insights.against.${props.range.compare}`);
  const hour = new Intl.DateTimeFormat(ui.locale === "ru" ? "ru-RU" : "en-US", {
    timeZone: ui.timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const points = props.range.key === "today"
    ? revenue.series.map((b) => {
      const label = hour.format(new Date(b.t));
      return { label, value: b.revenue, title: `${label}: ${money(b.revenue)}` };
    })
    : everyDay(props.range, revenue.series, ui.timeZone).map(({ day, value }) => ({
      label: day,
      value,
      title: `${day}: ${money(value)}`,
    }));
  return (
    <section id="insights" aria-label={t("insights.title")}>
      <h2>{t("insights.title")}</h2>
      <p class="muted">{against}</p>
      <div class="grid kpis">
        <ChangeKpi
          id="dau"
          label={t("insights.dau")}
          value={fmt.count(active.current.dau)}
          change={active.change?.dau}
          ui={ui}
        />
        <ChangeKpi
          id="wau"
          label={t("insights.wau")}
          value={fmt.count(active.current.wau)}
          change={active.change?.wau}
          ui={ui}
        />
        <ChangeKpi
          id="mau"
          label={t("insights.mau")}
          value={fmt.count(active.current.mau)}
          change={active.change?.mau}
          ui={ui}
        />
        <ChangeKpi
          id="q-revenue"
          label={t("insights.revenue")}
          value={money(revenue.current.revenue)}
          change={revenue.change?.revenue}
          ui={ui}
        />
        <ChangeKpi
          id="q-orders"
          label={t("insights.orders")}
          value={fmt.count(revenue.current.orders)}
          change={revenue.change?.orders}
          ui={ui}
        />
        <ChangeKpi
          id="q-aov"
          label={t("insights.aov")}
          value={money(revenue.current.aov)}
          change={revenue.change?.aov}
          ui={ui}
        />
      </div>
      <div class="grid two">
        <div class="panel">
          <h3>{t("insights.funnel")}</h3>
          <HBarChart
            id="funnel"
            ariaLabel={t("insights.funnel")}
            rows={funnel.steps.map((s, i) => ({
              label: t(FUNNEL_LABELS[i] ?? "insights.funnel.purchase"),
              value: s.users,
              text: `${fmt.count(s.users)} · ${ratioPercent(ui, s.conversion)}`,
            }))}
          />
          <p id="funnel-conversion">
            {t("insights.funnel.overall", {
              now: ratioPercent(ui, funnel.conversion),
              before: ratioPercent(ui, funnel.previous?.conversion ?? null),
            })}
            {funnel.change?.conversion !== null && funnel.change?.conversion !== undefined &&
              ` (${signedPercent(ui, funnel.change.conversion)})`}
          </p>
        </div>
        <div class="panel">
          <h3>{t("insights.cities")}</h3>
          <HBarChart
            id="cities"
            ariaLabel={t("insights.cities")}
            rows={cities.places.map((place) => ({
              label: place.city || place.country_code || "—",
              value: place.orders,
              text: `${fmt.count(place.orders)} · ${ratioPercent(ui, place.share.orders)}`,
            }))}
          />
          {cities.places.length === 0 && <p class="muted">{t("insights.none")}</p>}
        </div>
      </div>
      <div class="panel">
        <h3>{t("insights.revenue_series", { currency: revenue.currency })}</h3>
        <BarChart
          points={points}
          ariaLabel={t("insights.revenue_series", { currency: revenue.currency })}
        />
      </div>
      <div class="panel">
        <h3>{t("insights.products")}</h3>
        <DataTable
          id="q-products"
          columns={[
            { label: t("overview.col.product") },
            { label: t("insights.col.views"), num: true },
            { label: t("insights.col.purchases"), num: true },
            { label: t("insights.col.view_to_purchase"), num: true },
            { label: t("overview.col.revenue"), num: true },
          ]}
          empty={t("insights.none")}
          rows={products.products.map((p) => (
            <tr>
              <td>{p.name || p.product_id}</td>
              <td class="num">{fmt.count(p.views)}</td>
              <td class="num">{fmt.count(p.purchases)}</td>
              <td class="num">{ratioPercent(ui, p.view_to_purchase)}</td>
              <td class="num">{money(p.revenue)}</td>
            </tr>
          ))}
        />
      </div>
      <div class="panel">
        <h3>{t("insights.campaigns")}</h3>
        <form class="period" method="get" action="/" id="campaign-city">
          {Object.entries(rangeQuery(props.range)).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <label>
            {t("insights.city")}
            <input name="city" value={props.city ?? ""} />
          </label>
          <button type="submit" class="secondary">{t("common.filter")}</button>
        </form>
        <CampaignTable answer={campaigns} ui={ui} query={props.range.params} />
      </div>
    </section>
  );
}

/** Campaign performance rows with spend, CPA and ROAS, each linking to its campaign page. */
export function CampaignTable(
  props: { answer: CampaignsAnswer; ui: Ui; query: Record<string, string> },
) {
  const { t, fmt } = props.ui;
  const money = (v: number | null) => fmt.money(v, props.answer.currency);
  const keep = new URLSearchParams(
    Object.entries(props.query).filter(([k]) => k === "from" || k === "to" || k === "last"),
  );
  return (
    <DataTable
      id="campaign-performance"
      columns={[
        { label: t("campaigns.col.campaign") },
        { label: t("campaigns.col.visitors_short"), num: true },
        { label: t("insights.col.buyers"), num: true },
        { label: t("insights.col.conversion"), num: true },
        { label: t("overview.col.revenue"), num: true },
        { label: t("insights.col.spend"), num: true },
        { label: t("insights.col.cpa"), num: true },
        { label: "ROAS", num: true },
      ]}
      empty={t("insights.none")}
      rows={props.answer.rows.map((r) => (
        <tr>
          <td>
            {r.campaign === null
              ? <span class="muted">{t("insights.no_campaign")}</span>
              : (
                <a href={`/campaigns/${encodeURIComponent(r.campaign)}?${keep}`}>
                  {r.campaign}
                </a>
              )}
          </td>
          <td class="num">{fmt.count(r.visitors)}</td>
          <td class="num">{fmt.count(r.buyers)}</td>
          <td class="num">{ratioPercent(props.ui, r.conversion)}</td>
          <td class="num">{money(r.revenue)}</td>
          <td class="num">{money(r.spend)}</td>
          <td class="num" data-cpa>{money(r.cpa)}</td>
          <td class="num">{r.roas === null ? "—" : r.roas.toFixed(2)}</td>
        </tr>
      ))}
    />
  );
}

/** The console's own query string of a range (what the period picker links carry). */
function rangeQuery(range: AnalyticsRange): Record<string, string> {
  return range.key === "custom"
    ? { period: "custom", from: range.fromDay, to: range.toDay }
    : { period: range.key };
}

/** One point per day of the range, zero where the service returned no bucket. */
export function everyDay(
  range: Pick<AnalyticsRange, "fromDay" | "toDay">,
  series: ReadonlyArray<{ t: string; revenue: number }>,
  timeZone: string,
): Array<{ day: string; value: number }> {
  // en-CA formats as YYYY-MM-DD: the bucket's local day in the zone the service was asked for.
  const local = new Intl.DateTimeFormat("en-CA", { timeZone });
  const byDay = new Map(series.map((b) => [local.format(new Date(b.t)), b.revenue]));
  const out: Array<{ day: string; value: number }> = [];
  for (
    let t = Date.parse(`${range.fromDay}T00:00:00Z`);
    t <= Date.parse(`${range.toDay}T00:00:00Z`);
    t += 86_400_000
  ) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ day, value: byDay.get(day) ?? 0 });
  }
  return out;
}
