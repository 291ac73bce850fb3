/**
 * The `actor_days` rollup (migration 0005) as a source of "who was active on which day": one row
 * per UTC day, actor and combination of the filter columns, with the actor's first event time.
 *
 * It answers exactly without FINAL because the questions built on it only ask whether a row
 * exists and for the least `first_seen`, which a duplicate event cannot change. Its days are UTC
 * days, so it serves ranges in UTC only; other timezones read `events`.
 */
import type { CommonParams } from "./params.ts";
import { ACTOR, filterConditions, type Params } from "./sql.ts";
import { localDate, zonedMidnight } from "./time.ts";

/** True when answers in `params.tz` can be built from UTC days. */
export function canUseActorDays(params: Pick<CommonParams, "tz">): boolean {
  return params.tz === "UTC";
}

/**
 * Rows `(day, actor, platform, first_seen)` of actors active from UTC day `fromDay` (or since
 * the beginning) up to the instant `to`, matching the filters, as a subquery. Whole days come
 * from the rollup; the day `to` cuts (when `to` is not midnight) comes from `events`, grouped
 * the same way, so an answer "until now" includes the last minutes.
 */
export function actorDaysSubquery(
  p: Params,
  opts: { fromDay?: string; to: Date; params: CommonParams },
): string {
  const cutDay = localDate(opts.to.getTime(), "UTC");
  const cut = zonedMidnight(cutDay, "UTC");
  const filters = filterConditions(p, opts.params);
  const whole = [
    ...(opts.fromDay === undefined ? [] : [`day >= ${p.bind(opts.fromDay, "Date")}`]),
    `day < ${p.bind(cutDay, "Date")}`,
    ...filters,
  ];
  const parts = [
    `SELECT day, actor, platform, first_seen FROM actor_days WHERE ${whole.join(" AND ")}`,
  ];
  if (cut.getTime() < opts.to.getTime()) {
    const partial = [
      `timestamp >= ${p.time(cut)}`,
      `timestamp < ${p.time(opts.to)}`,
      ...filters,
    ];
    parts.push(
      `SELECT toDate(timestamp) AS day, ${ACTOR} AS actor, platform, min(timestamp) AS first_seen
    FROM events WHERE ${partial.join(" AND ")} GROUP BY day, actor, platform`,
    );
  }
  return `(${parts.join("\n    UNION ALL\n    ")})`;
}
