// deno-lint-ignore-file jsx-key -- server-rendered once, nothing reconciles lists, so keys would only leak into the HTML as attributes
/**
 * The GET filter bar of the list pages (fields, a submit button and a reset link), its labelled
 * selects and the period/from/to range of the lists filtered by time.
 */
import type { Child } from "hono/jsx";
import type { MessageKey } from "../i18n/en.ts";
import type { Ui } from "./ui.ts";

/** A period a list can be filtered by: one with a `period.<name>` label. */
type PeriodName<K = MessageKey> = K extends `period.${infer P}` ? P : never;

/** A filter form that submits to `action` and resets to it without a query. */
export function FilterForm(
  props: { action: string; submit: string; reset?: string; children: Child },
) {
  return (
    <form class="filters" method="get" action={props.action}>
      {props.children}
      <button type="submit">{props.submit}</button>
      <a class="button secondary" href={props.action}>{props.reset ?? "Reset"}</a>
    </form>
  );
}

/** A labelled select over `options`, with a first empty choice meaning "no filter". */
export function SelectFilter(
  props: { label: string; name: string; any: string; options: string[]; value?: string },
) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        <option value="">{props.any}</option>
        {props.options.map((o) => <option value={o} selected={o === props.value}>{o}</option>)}
      </select>
    </label>
  );
}

/** The period choice (custom = the dates) and the from/to dates of a list filtered by time. */
export function PeriodRangeFields(
  props: { ui: Ui; periods: readonly PeriodName[]; period: string; from: string; to: string },
) {
  const { t } = props.ui;
  return (
    <>
      <label>
        {t("orders.f.period")}
        <select name="period">
          <option value="">{t("period.custom")}</option>
          {props.periods.map((p) => (
            <option value={p} selected={props.period === p}>{t(`period.${p}`)}</option>
          ))}
        </select>
      </label>
      <label>
        {t("orders.f.from")}
        <input type="date" name="from" value={props.from} />
      </label>
      <label>
        {t("orders.f.to")}
        <input type="date" name="to" value={props.to} />
      </label>
    </>
  );
}
