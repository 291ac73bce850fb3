/**
 * Time ranges of questions: absolute or relative (`last=24h`, `last=today`), resolved in the
 * caller's timezone, with the comparison range of the same length.
 */

const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** A half-open interval [from, to) of instants. */
export interface Range {
  from: Date;
  to: Date;
}

/** True when `tz` is an IANA timezone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(ms: number, tz: string): Record<string, number> {
  let format = formatters.get(tz);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, format);
  }
  const out: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) {
    if (part.type !== "literal") out[part.type] = Number(part.value);
  }
  return out;
}

/** Offset of `tz` from UTC at instant `ms`, in ms (Moscow: +3 h). */
export function tzOffsetMs(ms: number, tz: string): number {
  const p = parts(ms, tz);
  const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return local - Math.floor(ms / 1000) * 1000;
}

/** The instant local midnight of `date` (YYYY-MM-DD) happens in `tz`. */
export function zonedMidnight(date: string, tz: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  let at = guess - tzOffsetMs(guess, tz);
  // Across a DST change the offset at the result differs from the one at the guess.
  at = guess - tzOffsetMs(at, tz);
  return new Date(at);
}

/** The local calendar date (YYYY-MM-DD) of instant `ms` in `tz`. */
export function localDate(ms: number, tz: string): string {
  const p = parts(ms, tz);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** `date` plus `days` calendar days (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Relative range syntax: a duration ending now (`15m`, `24h`, `7d`, `4w`) or `today`. */
export const LAST_PATTERN = /^(today|\d{1,4}[mhdw])$/;
/** Absolute bound syntax: an ISO 8601 instant with offset, or a local date. */
export const BOUND_PATTERN =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Range parameters as validated strings. */
export interface RangeParams {
  from?: string;
  to?: string;
  last?: string;
  tz: string;
}

/**
 * Resolves range parameters at `now` (ms). A date-only `from` is local midnight in `tz`; a
 * date-only `to` includes that whole day. Without any bound the range is the last 7 days.
 */
export function resolveRange(params: RangeParams, now: number): Range {
  const { tz } = params;
  if (params.last !== undefined) {
    if (params.last === "today") {
      return { from: zonedMidnight(localDate(now, tz), tz), to: new Date(now) };
    }
    const amount = Number(params.last.slice(0, -1));
    const unit = UNIT_MS[params.last.slice(-1)]!;
    return { from: new Date(now - amount * unit), to: new Date(now) };
  }
  const bound = (text: string, end: boolean) =>
    text.length === 10 ? zonedMidnight(end ? addDays(text, 1) : text, tz) : new Date(text);
  const to = params.to === undefined ? new Date(now) : bound(params.to, true);
  const from = params.from === undefined
    ? new Date(to.getTime() - 7 * DAY_MS)
    : bound(params.from, false);
  return { from, to };
}

/** What a range is compared with: the period just before it, the same one a week earlier, none. */
export type Compare = "previous" | "week" | "none";

/** The comparison range of `range`, or null for `none`. */
export function compareRange(range: Range, compare: Compare): Range | null {
  if (compare === "none") return null;
  const shift = compare === "week" ? 7 * DAY_MS : range.to.getTime() - range.from.getTime();
  return { from: new Date(range.from.getTime() - shift), to: new Date(range.to.getTime() - shift) };
}

/** Relative change from `previous` to `current` (0.15 = +15 %), null when previous is 0. */
export function change(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return round((current - previous) / previous, 4);
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** ClickHouse DateTime64(3) parameter text (UTC) of an instant. */
export function chTime(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** Duration text (`30m`, `1h`, `7d`) in ms. */
export function durationMs(text: string): number {
  return Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1)]!;
}
