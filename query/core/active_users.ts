/**
 * Active users: DAU, WAU and MAU per local day, the values on the range's last day against the
 * comparison period's last day, and stickiness (DAU / MAU).
 *
 * Day d's DAU counts actors active on local day d; WAU the 7 days ending on d; MAU the 30 days
 * ending on d. Days are whole local days in `tz`, the last one cut at the range end, so "today"
 * is compared with the same part of the comparison day.
 */
import type { QuestionContext } from "./exec.ts";
import { FILTERS, type ParamsOf } from "./params.ts";
import { ACTOR, type BuiltQuery, eventsSubquery, Params } from "./sql.ts";
import {
  addDays,
  change,
  compareRange,
  localDate,
  type Range,
  resolveRange,
  round,
  zonedMidnight,
} from "./time.ts";

/** Active users of one day. */
export interface ActiveDay {
  day: string;
  dau: number;
  wau: number;
  mau: number;
  stickiness: number;
}

/**
 * True when the `daily_active_users` rollup can answer: it holds exact distinct-actor states per
 * UTC day and platform of non-bot events, so it serves UTC days filtered by platform at most.
 */
export function canUseRollup(params: ParamsOf<"activeUsers">): boolean {
  if (params.tz !== "UTC" || params.include_bots === "true") return false;
  return (Object.keys(FILTERS) as (keyof typeof FILTERS)[]).every((name) =>
    name === "platform" || params[name] === undefined
  );
}

/**
 * The same answer as {@link activeUsersQuery} from the rollup: whole days before the range's
 * last day come from `daily_active_users`; the last day, which the range end may cut, is built
 * from `events` as a state of the same kind. Distinct counts need no deduplication.
 */
export function activeUsersRollupQuery(
  params: ParamsOf<"activeUsers">,
  range: Range,
): BuiltQuery & { days: string[] } {
  const p = new Params();
  const firstDay = localDate(range.from.getTime(), "UTC");
  const lastDay = localDate(range.to.getTime() - 1, "UTC");
  const days: string[] = [];
  for (let d = firstDay; d <= lastDay; d = addDays(d, 1)) days.push(d);
  const platforms = params.platform?.split(",").map((v) => v.trim());
  const onPlatform = platforms === undefined
    ? ""
    : ` AND platform IN ${p.bind(platforms, "Array(String)")}`;
  const last = p.bind(lastDay, "Date");
  const sql = `SELECT toString(d) AS day,
  uniqExactMergeIf(users, d = day0) AS dau,
  uniqExactMergeIf(users, dateDiff('day', day0, d) < 7) AS wau,
  uniqExactMerge(users) AS mau
FROM (
  SELECT day0, users, addDays(day0, arrayJoin(range(30))) AS d
  FROM (
    SELECT day AS day0, users FROM daily_active_users
    WHERE day >= ${p.bind(addDays(firstDay, -29), "Date")} AND day < ${last}${onPlatform}
    UNION ALL
    SELECT ${last} AS day0, uniqExactState(${ACTOR}) AS users FROM events
    WHERE timestamp >= ${p.time(zonedMidnight(lastDay, "UTC"))} AND timestamp < ${
    p.time(range.to)
  } AND NOT is_bot${onPlatform}
  )
)
WHERE d >= ${p.bind(firstDay, "Date")} AND d <= ${last}
GROUP BY d ORDER BY d`;
  return { sql, params: p.values, days };
}

/** Builds the per-day DAU/WAU/MAU query of `range` (local days of `tz`). */
export function activeUsersQuery(
  params: ParamsOf<"activeUsers">,
  range: Range,
): BuiltQuery & { days: string[] } {
  const p = new Params();
  const tz = params.tz;
  const firstDay = localDate(range.from.getTime(), tz);
  const lastDay = localDate(range.to.getTime() - 1, tz);
  const days: string[] = [];
  for (let d = firstDay; d <= lastDay; d = addDays(d, 1)) days.push(d);
  const lookback = { from: zonedMidnight(addDays(firstDay, -29), tz), to: range.to };
  const zone = p.bind(tz, "String");
  const base = eventsSubquery(p, {
    range: lookback,
    params,
    columns: `${ACTOR} AS actor, toDate(timestamp, ${zone}) AS day0`,
  });
  const sql = `SELECT toString(d) AS day,
  uniqExactIf(actor, d = day0) AS dau,
  uniqExactIf(actor, dateDiff('day', day0, d) < 7) AS wau,
  uniqExact(actor) AS mau
FROM (
  SELECT actor, day0, addDays(day0, arrayJoin(range(30))) AS d
  FROM (SELECT DISTINCT actor, day0 FROM ${base})
)
WHERE d >= ${p.bind(firstDay, "Date")} AND d <= ${p.bind(lastDay, "Date")}
GROUP BY d ORDER BY d`;
  return { sql, params: p.values, days };
}

function toDays(
  days: string[],
  rows: { day: string; dau: string | number; wau: string | number; mau: string | number }[],
): ActiveDay[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((day) => {
    const r = byDay.get(day);
    const [dau, wau, mau] = r ? [Number(r.dau), Number(r.wau), Number(r.mau)] : [0, 0, 0];
    return { day, dau, wau, mau, stickiness: mau === 0 ? 0 : round(dau / mau) };
  });
}

/** Runs the active users question. */
export async function activeUsers(params: ParamsOf<"activeUsers">, ctx: QuestionContext) {
  const range = resolveRange(params, ctx.now);
  const previousRange = compareRange(range, params.compare);
  const build = canUseRollup(params) ? activeUsersRollupQuery : activeUsersQuery;
  const current = build(params, range);
  const series = toDays(current.days, await ctx.exec(current));
  const last = series.at(-1)!;
  let previous: ActiveDay | null = null;
  if (previousRange !== null) {
    // Only the comparison range's last day is needed.
    const lastOnly = {
      from: zonedMidnight(localDate(previousRange.to.getTime() - 1, params.tz), params.tz),
      to: previousRange.to,
    };
    const q = build(params, lastOnly);
    previous = toDays(q.days, await ctx.exec(q)).at(-1)!;
  }
  const metrics = ["dau", "wau", "mau", "stickiness"] as const;
  return {
    range: rangeJson(range, params.tz),
    previous_range: previousRange && rangeJson(previousRange, params.tz),
    current: last,
    previous,
    change: previous === null
      ? null
      : Object.fromEntries(metrics.map((m) => [m, change(last[m], previous![m])])),
    series,
  };
}

/** A range as answers show it. */
export function rangeJson(range: Range, tz: string) {
  return { from: range.from.toISOString(), to: range.to.toISOString(), tz };
}
