/** Building blocks of the analytics panels: a KPI with its change, the period picker, notices. */
import type { Ui } from "./ui.ts";
import { ANALYTICS_PERIODS, type AnalyticsRange } from "../core/analytics_range.ts";

/** A headline figure with its relative change against the comparison period. */
export function ChangeKpi(
  props: { id: string; label: string; value: string; change: number | null | undefined; ui: Ui },
) {
  const { t } = props.ui;
  const change = props.change;
  const tone = change === null || change === undefined || change === 0
    ? ""
    : change > 0
    ? "up"
    : "down";
  const text = change === null || change === undefined
    ? t("insights.no_base")
    : t("insights.change", { change: signedPercent(props.ui, change) });
  return (
    <div class="kpi" data-kpi={props.id}>
      <div class="label">{props.label}</div>
      <div class="value">{props.value}</div>
      <div class={`hint change ${tone}`.trim()} data-change>{text}</div>
    </div>
  );
}

/** `0.15` → `+15.0%` in the viewer's locale. */
export function signedPercent(ui: Ui, ratio: number): string {
  return new Intl.NumberFormat(ui.locale === "ru" ? "ru-RU" : "en-US", {
    style: "percent",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: "exceptZero",
  }).format(ratio);
}

/** `0.042` → `4.2%` in the viewer's locale. */
export function ratioPercent(ui: Ui, ratio: number | null): string {
  return ratio === null ? "—" : ui.fmt.percent(ratio, 1);
}

/** Today / 7 / 30 days tabs and a custom from–to form, keeping `keep` parameters. */
export function RangePicker(
  props: { path: string; range: AnalyticsRange; ui: Ui; keep?: Record<string, string> },
) {
  const { t } = props.ui;
  return (
    <div>
      <div class="tabs">
        {ANALYTICS_PERIODS.filter((k) => k !== "custom").map((key) => (
          <a
            href={`${props.path}?${new URLSearchParams({ ...props.keep, period: key })}`}
            class={key === props.range.key ? "active" : undefined}
          >
            {t(`period.${key}`)}
          </a>
        ))}
      </div>
      <form class="period" method="get" action={props.path}>
        {Object.entries(props.keep ?? {}).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="period" value="custom" />
        <label>
          {t("insights.from")}
          <input type="date" name="from" value={props.range.fromDay} required />
        </label>
        <label>
          {t("insights.to")}
          <input type="date" name="to" value={props.range.toDay} required />
        </label>
        <button type="submit" class="secondary">{t("period.custom")}</button>
      </form>
    </div>
  );
}

/** The notice shown in place of analytics when the query service cannot answer. */
export function QueryUnavailable(props: { ui: Ui; detail: string }) {
  return (
    <p class="notice" role="alert" id="query-unavailable">
      {props.ui.t("insights.unavailable", { detail: props.detail })}
    </p>
  );
}
