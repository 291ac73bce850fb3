/**
 * Active users: DAU, WAU and MAU per local day, the values on the range's last day against the
 * comparison period's last day, and stickiness (DAU / MAU).
 *
 * Day d's DAU counts actors active on local day d; WAU the 7 days ending on d; MAU the 30 days
 * ending on d. Days are whole local days in `tz`, the last one cut at the range end, so "today"
 * is compared with the same part of the comparison day. In UTC the days come from the
 * `actor_days` rollup (query/core/actor_days.ts), otherwise from `events`.
 */
import { actorDaysSubquery, canUseActorDays } from "./actor_days.ts";
import type { QuestionContext } from "./exec.ts";
import type { ParamsOf } from "./params.ts";
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

/** Longest series the bitmask query serves: the range's days plus 29 lookback days in 64 bits. */
export const MASK_DAYS = 64 - 29;

/**
 * Rows `(actor, day0)`: each actor's active local days from 29 days before the range's first day
 * to its end. From the `actor_days` rollup in UTC, else from `events` FINAL in `tz`.
 */
function activeDays(p: Params, params: ParamsOf<"activeUsers">, range: Range, firstDay: string) {
  const tz = params.tz;
  if (canUseActorDays(params)) {
    return `(SELECT actor, day AS day0 FROM ${
      actorDaysSubquery(p, { fromDay: addDays(firstDay, -29), to: range.to, params })
    })`;
  }
  const zone = p.bind(tz, "String");
  return eventsSubquery(p, {
    range: { from: zonedMidnight(addDays(firstDay, -29), tz), to: range.to },
    params,
    columns: `${ACTOR} AS actor, toDate(timestamp, ${zone}) AS day0`,
  });
}

/**
 * Builds the per-day DAU/WAU/MAU query of `range` (local days of `tz`): one row of three arrays,
 * element i for the range's day i.
 *
 * Each actor becomes one 64-bit mask of the days it was active (bit k: day k of the lookback
 * window that starts 29 days before the first day); day i's DAU, WAU and MAU are the actors
 * whose mask meets day i's one-day, seven-day and thirty-day window. One GROUP BY actor and
 * bit tests, no distinct counting per day, so each actor is counted once per day by
 * construction. Actors are grouped by their 128-bit SipHash, as `uniqExact` itself keys strings
 * (a fixed-size key aggregates about twice as fast as the string on the local engine; two of
 * 10^9 actors collide with a chance of about 10^-21). Ranges longer than {@link MASK_DAYS} days expand each active day into the 30
 * days it counts for and count distinct actors per day instead.
 */
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
  const source = activeDays(p, params, range, firstDay);
  if (days.length <= MASK_DAYS) {
    const n = p.bind(days.length, "UInt8");
    // Day i's bit is i + 29; a span ending on day i covers bits i + 30 - span … i + 29.
    const window = (span: number) =>
      `arrayMap(i -> bitShiftLeft(toUInt64(${2 ** span - 1}), i + ${30 - span}), range(${n}))`;
    const count = (span: number) =>
      `sumForEach(arrayMap(m -> toUInt32(bitAnd(mask, m) != 0), ${window(span)}))`;
    const sql = `SELECT ${count(1)} AS dau, ${count(7)} AS wau, ${count(30)} AS mau
FROM (
  SELECT sipHash128(actor) AS actor_key,
    groupBitOr(bitShiftLeft(toUInt64(1), toUInt8(dateDiff('day', ${
      p.bind(addDays(firstDay, -29), "Date")
    }, day0)))) AS mask
  FROM ${source}
  GROUP BY actor_key
)`;
    return { sql, params: p.values, days };
  }
  const sql = `SELECT toString(d) AS day,
  uniqExactIf(actor, d = day0) AS dau,
  uniqExactIf(actor, dateDiff('day', day0, d) < 7) AS wau,
  uniqExact(actor) AS mau
FROM (
  SELECT actor, day0, addDays(day0, arrayJoin(range(30))) AS d
  FROM (SELECT DISTINCT actor, day0 FROM ${source})
)
WHERE d >= ${p.bind(firstDay, "Date")} AND d <= ${p.bind(lastDay, "Date")}
GROUP BY d ORDER BY d`;
  return { sql, params: p.values, days };
}

type Count = string | number;
type Row =
  | { dau: Count[]; wau: Count[]; mau: Count[] }
  | { day: string; dau: Count; wau: Count; mau: Count };

function toDays(days: string[], rows: Row[]): ActiveDay[] {
  const byDay = new Map<string, [number, number, number]>();
  for (const r of rows) {
    if ("day" in r) byDay.set(r.day, [Number(r.dau), Number(r.wau), Number(r.mau)]);
    else {
      days.forEach((day, i) =>
        byDay.set(day, [Number(r.dau[i] ?? 0), Number(r.wau[i] ?? 0), Number(r.mau[i] ?? 0)])
      );
    }
  }
  return days.map((day) => {
    const [dau, wau, mau] = byDay.get(day) ?? [0, 0, 0];
    return { day, dau, wau, mau, stickiness: mau === 0 ? 0 : round(dau / mau) };
  });
}

/** Runs the active users question. */
export async function activeUsers(params: ParamsOf<"activeUsers">, ctx: QuestionContext) {
  const range = resolveRange(params, ctx.now);
  const previousRange = compareRange(range, params.compare);
  const current = activeUsersQuery(params, range);
  const series = toDays(current.days, await ctx.exec<Row>(current));
  const last = series.at(-1)!;
  let previous: ActiveDay | null = null;
  if (previousRange !== null) {
    // Only the comparison range's last day is needed.
    const lastOnly = {
      from: zonedMidnight(localDate(previousRange.to.getTime() - 1, params.tz), params.tz),
      to: previousRange.to,
    };
    const q = activeUsersQuery(params, lastOnly);
    previous = toDays(q.days, await ctx.exec<Row>(q)).at(-1)!;
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
