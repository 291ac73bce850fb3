/**
 * The period an analytics panel asks the query service about: today (against the same hours of
 * the same weekday last week), the last 7 or 30 days, or custom days, each against the period of
 * the same length just before. Days are calendar days in the viewer's time zone.
 */
import { InputError } from "./errors.ts";
import { parseDate } from "./params.ts";
import { todayIn } from "./zone.ts";

/** The selectable analytics periods. */
export const ANALYTICS_PERIODS = ["today", "7d", "30d", "custom"] as const;

/** One analytics period key. */
export type AnalyticsPeriodKey = typeof ANALYTICS_PERIODS[number];

/** A resolved analytics period. */
export interface AnalyticsRange {
  key: AnalyticsPeriodKey;
  /** First and last local day (YYYY-MM-DD), inclusive. */
  fromDay: string;
  toDay: string;
  /** What the comparison is against: `week` for today, `previous` otherwise. */
  compare: "week" | "previous";
  /** Range parameters of the query service (`last` or `from`/`to`, `tz`, `compare`). */
  params: Record<string, string>;
}

/** Longest custom range, in days (the query service allows 400). */
export const MAX_CUSTOM_DAYS = 366;

const DAY = 86_400_000;
const iso = (d: Date) => d.toISOString().slice(0, 10);

/** Resolves `?period=&from=&to=` (default `fallback`) at `now` in `timeZone`. */
export function resolveAnalyticsRange(
  query: { period?: string; from?: string; to?: string },
  opts: { now: Date; timeZone: string; fallback?: AnalyticsPeriodKey },
): AnalyticsRange {
  const given = query.period === undefined || query.period === "" ? undefined : query.period;
  // A custom day typed into the form without choosing "custom" still means custom.
  const key =
    (given ?? (query.from || query.to ? "custom" : opts.fallback ?? "7d")) as AnalyticsPeriodKey;
  if (!ANALYTICS_PERIODS.includes(key)) {
    throw new InputError(
      "period",
      `Parameter "period" must be one of ${ANALYTICS_PERIODS.join(", ")}, got ${
        JSON.stringify(query.period)
      }`,
    );
  }
  const today = todayIn(opts.now, opts.timeZone);
  const tz = opts.timeZone;
  if (key === "today") {
    return {
      key,
      fromDay: iso(today),
      toDay: iso(today),
      compare: "week",
      params: { last: "today", compare: "week", tz },
    };
  }
  let from: Date;
  let to: Date;
  if (key === "custom") {
    from = parseDate("from", query.from) ?? missing("from");
    to = parseDate("to", query.to) ?? missing("to");
    if (to < from) {
      throw new InputError("to", `Parameter "to" (${query.to}) is before "from" (${query.from})`);
    }
    if ((to.getTime() - from.getTime()) / DAY + 1 > MAX_CUSTOM_DAYS) {
      throw new InputError("to", `A custom period covers at most ${MAX_CUSTOM_DAYS} days`);
    }
  } else {
    to = today;
    from = new Date(today.getTime() - ((key === "7d" ? 7 : 30) - 1) * DAY);
  }
  return {
    key,
    fromDay: iso(from),
    toDay: iso(to),
    compare: "previous",
    // A date `to` includes that whole day at the query service.
    params: { from: iso(from), to: iso(to), compare: "previous", tz },
  };
}

function missing(field: "from" | "to"): never {
  throw new InputError(field, `Parameter "${field}" is required for a custom period (YYYY-MM-DD)`);
}
