/** Small building blocks of the pages: KPI cards, period tabs, pager, badges, empty rows. */
import type { Child } from "hono/jsx";
import { type PeriodKey, PERIODS } from "../core/period.ts";
import type { Ui } from "./ui.ts";

/** One headline figure. */
export function KpiCard(props: { label: string; value: string; hint?: string; id?: string }) {
  return (
    <div class="kpi" data-kpi={props.id}>
      <div class="label">{props.label}</div>
      <div class="value">{props.value}</div>
      {props.hint !== undefined && <div class="hint">{props.hint}</div>}
    </div>
  );
}

const PERIOD_LABELS: Record<PeriodKey, string> = {
  today: "Today",
  "7d": "7 days",
  "30d": "30 days",
  custom: "Custom",
};

/** Today / 7 days / 30 days switcher that keeps the page's other parameters. */
export function PeriodTabs(
  props: { path: string; active: PeriodKey; params?: Record<string, string>; ui?: Ui },
) {
  return (
    <div class="tabs">
      {PERIODS.map((key) => (
        <a
          href={`${props.path}?${new URLSearchParams({ ...props.params, period: key })}`}
          class={key === props.active ? "active" : undefined}
        >
          {props.ui?.t(`period.${key}`) ?? PERIOD_LABELS[key]}
        </a>
      ))}
    </div>
  );
}

/** "Showing 26–50 of 120" with previous/next links keeping the filters. */
export function Pager(
  props: {
    path: string;
    page: number;
    size: number;
    total: number;
    params: Record<string, string>;
    /** The request's language and formats (passed, not read from context: see CsrfField). */
    ui: Ui;
  },
) {
  const { t, fmt } = props.ui;
  const first = props.total === 0 ? 0 : (props.page - 1) * props.size + 1;
  const last = Math.min(props.total, props.page * props.size);
  const link = (page: number) =>
    `${props.path}?${new URLSearchParams({ ...props.params, page: String(page) })}`;
  return (
    <div class="pager">
      <span>
        {t("common.showing", {
          first: fmt.count(first),
          last: fmt.count(last),
          total: fmt.count(props.total),
        })}
      </span>
      <span class="links">
        {props.page > 1 && (
          <a class="button secondary" href={link(props.page - 1)}>← {t("common.previous")}</a>
        )}
        {last < props.total && (
          <a class="button secondary" href={link(props.page + 1)}>{t("common.next")} →</a>
        )}
      </span>
    </div>
  );
}

const STATUS_TONE: Record<string, string> = {
  paid: "ok",
  completed: "ok",
  fulfilled: "ok",
  shipped: "brand",
  pending: "warn",
  refunded: "bad",
  cancelled: "bad",
  canceled: "bad",
  failed: "bad",
  active: "ok",
  upcoming: "brand",
  ended: "",
};

/** The "export as CSV" button of a list page's head: a download of `href`. */
export function ExportButton(props: { href: string; children: Child }) {
  return <a class="button secondary" id="export" href={props.href} download>{props.children}</a>;
}

/** A coloured pill for an order or campaign status. */
export function Badge(props: { text: string }) {
  const tone = STATUS_TONE[props.text] ?? "";
  return <span class={`badge ${tone}`.trim()}>{props.text}</span>;
}

/** A 1–5 star rating. */
export function Stars(props: { rating: number }) {
  const full = Math.round(props.rating);
  return (
    <span class="stars" title={`${props.rating.toFixed(1)} of 5`}>
      {"★".repeat(full)}
      <span class="muted">{"★".repeat(5 - full)}</span>
    </span>
  );
}

/** A table row spanning every column, for "nothing here". */
export function EmptyRow(props: { columns: number; children: Child }) {
  return (
    <tr>
      <td class="empty" colspan={props.columns}>{props.children}</td>
    </tr>
  );
}

/** An em dash for missing values, the value otherwise. */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === "" ? "—" : String(value);
}
