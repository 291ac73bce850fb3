/**
 * Reporting periods of the overview: today, the last 7 days, the last 30 days, all in UTC, and
 * the chart buckets each is drawn with.
 */
import { InputError } from "./errors.ts";

/** The selectable periods. */
export const PERIODS = ["today", "7d", "30d"] as const;

/** One period key: a tab, or `custom` days chosen in a form. */
export type PeriodKey = typeof PERIODS[number] | "custom";

/** A resolved period: a half-open UTC range [from, to) and its chart buckets. */
export interface Period {
  key: PeriodKey;
  label: string;
  from: Date;
  to: Date;
  /** Chart granularity: hours for today, days otherwise. */
  bucket: "hour" | "day";
  /** Start of every bucket in the range, oldest first. */
  buckets: Date[];
}

const LABELS: Record<PeriodKey, string> = {
  today: "Today",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  custom: "Custom",
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Resolves `?period=` (default 7d) at `now`; days are whole UTC days including today. */
export function resolvePeriod(value: string | undefined, now: Date): Period {
  const key = (value === undefined || value === "" ? "7d" : value) as PeriodKey;
  if (!(PERIODS as readonly string[]).includes(key)) {
    throw new InputError(
      "period",
      `Parameter "period" must be one of ${PERIODS.join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const days = key === "today" ? 1 : key === "7d" ? 7 : 30;
  const from = new Date(today - (days - 1) * DAY);
  const to = new Date(today + DAY);
  const bucket = key === "today" ? "hour" : "day";
  const step = bucket === "hour" ? HOUR : DAY;
  const buckets: Date[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += step) buckets.push(new Date(t));
  return { key, label: LABELS[key], from, to, bucket, buckets };
}

/** Places `rows` (bucket start, value) into every bucket of `period`, zero where absent. */
export function fillBuckets(
  period: Period,
  rows: ReadonlyArray<{ bucket: Date; value: number }>,
): Array<{ bucket: Date; value: number }> {
  const byTime = new Map(rows.map((row) => [row.bucket.getTime(), row.value]));
  return period.buckets.map((bucket) => ({ bucket, value: byTime.get(bucket.getTime()) ?? 0 }));
}

/** A custom period of whole UTC days `from`..`to` (inclusive), charted per day. */
export function customPeriod(from: Date, to: Date): Period {
  const end = new Date(to.getTime() + DAY);
  const buckets: Date[] = [];
  for (let t = from.getTime(); t < end.getTime(); t += DAY) buckets.push(new Date(t));
  return { key: "custom", label: LABELS.custom, from, to: end, bucket: "day", buckets };
}
