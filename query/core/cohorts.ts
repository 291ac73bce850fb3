/**
 * Cohorts: weekly retention of actors by the week they were first seen, and the first platform
 * cohorts: of actors first seen on mobile (ios, android) or on the web, the share that bought
 * within 7 days of first being seen, and their average lifetime value (net revenue up to the
 * range end per actor).
 *
 * "First seen" is the actor's first event ever (before the range end); a cohort holds the
 * actors first seen inside the range. Weeks start on Monday in `tz`.
 */
import { aliasesOf } from "../../shared/events/vocabulary.ts";
import { rangeJson } from "./active_users.ts";
import { actorDaysSubquery, canUseActorDays } from "./actor_days.ts";
import type { QuestionContext } from "./exec.ts";
import type { ParamsOf } from "./params.ts";
import { ACTOR, type BuiltQuery, eventIn, eventsSubquery, Params } from "./sql.ts";
import { type Range, resolveRange, round } from "./time.ts";

/** Platforms that count as mobile in the first platform cohorts. */
export const MOBILE_PLATFORMS = ["ios", "android", "mobile"];

const EPOCH = new Date(0);
const WEEK_MS = 7 * 86_400_000;

/**
 * Builds the weekly retention query. One scan: per actor, the first-seen week and the set of
 * weeks with activity (every event of an actor first seen in the range is in the range). In UTC
 * from the `actor_days` rollup (first_seen and active days per actor), else from `events`.
 */
export function retentionQuery(params: ParamsOf<"cohorts">, range: Range): BuiltQuery {
  const p = new Params();
  const zone = p.bind(params.tz, "String");
  const perActor = canUseActorDays(params)
    ? `SELECT toMonday(min(first_seen), ${zone}) AS cw, groupUniqArray(toMonday(day)) AS weeks
  FROM ${actorDaysSubquery(p, { to: range.to, params })}
  GROUP BY actor HAVING min(first_seen) >= ${p.time(range.from)}`
    : `SELECT toMonday(min(timestamp), ${zone}) AS cw, groupUniqArray(toMonday(timestamp, ${zone})) AS weeks
  FROM ${
      eventsSubquery(p, {
        range: { from: EPOCH, to: range.to },
        params,
        columns: `${ACTOR} AS actor, timestamp`,
      })
    }
  GROUP BY actor HAVING min(timestamp) >= ${p.time(range.from)}`;
  const sql = `SELECT toString(cw) AS cohort, intDiv(dateDiff('day', cw, w), 7) AS week,
  count() AS users
FROM (
  ${perActor}
) ARRAY JOIN weeks AS w
WHERE week <= ${p.bind(Number(params.weeks), "UInt32")}
GROUP BY cohort, week ORDER BY cohort, week`;
  return { sql, params: p.values };
}

/**
 * Builds the first platform cohort query. In UTC, first-seen time and platform per actor come
 * from the `actor_days` rollup and the purchases and refunds from `revenue_events`, joined by
 * actor; otherwise everything from `events`.
 */
export function platformCohortQuery(params: ParamsOf<"cohorts">, range: Range): BuiltQuery {
  const p = new Params();
  const purchase = eventIn(p, aliasesOf("purchase"));
  const refund = eventIn(p, aliasesOf("refund"));
  const history = { from: EPOCH, to: range.to };
  const money = `minIf(timestamp, is_purchase) AS first_purchase, countIf(is_purchase) AS orders,
    sumIf(amount, is_purchase) - sumIf(amount, is_refund) AS net`;
  const moneyColumns = `${ACTOR} AS actor, timestamp, ${purchase} AS is_purchase,
      ${refund} AS is_refund, ifNull(revenue_base, 0) AS amount`;
  const perActor = canUseActorDays(params)
    ? `SELECT actor, first_ts, first_platform, first_purchase, orders, net
  FROM (
    SELECT actor, min(first_seen) AS first_ts, argMin(platform, first_seen) AS first_platform
    FROM ${actorDaysSubquery(p, { to: range.to, params })}
    GROUP BY actor HAVING first_ts >= ${p.time(range.from)}
  ) AS seen
  LEFT JOIN (
    SELECT actor, ${money}
    FROM ${
      eventsSubquery(p, {
        range: history,
        params,
        columns: moneyColumns,
        extra: [`(${purchase} OR ${refund})`],
        table: "revenue_events",
      })
    }
    GROUP BY actor
  ) AS bought USING actor`
    : `SELECT actor, min(timestamp) AS first_ts, argMin(platform, timestamp) AS first_platform,
    ${money}
  FROM ${eventsSubquery(p, { range: history, params, columns: `${moneyColumns}, platform` })}
  GROUP BY actor HAVING first_ts >= ${p.time(range.from)}`;
  const sql = `SELECT multiIf(first_platform IN ${
    p.bind(MOBILE_PLATFORMS, "Array(String)")
  }, 'mobile',
    first_platform = 'web', 'web', 'other') AS cohort,
  count() AS users,
  countIf(orders > 0) AS buyers,
  countIf(orders > 0 AND toUnixTimestamp64Milli(first_purchase) - toUnixTimestamp64Milli(first_ts)
    <= ${p.bind(WEEK_MS, "Int64")}) AS buyers_7d,
  sum(net) AS revenue
FROM (
  ${perActor}
)
GROUP BY cohort ORDER BY cohort`;
  return { sql, params: p.values };
}

/** Runs the cohorts question. */
export async function cohorts(params: ParamsOf<"cohorts">, ctx: QuestionContext) {
  const range = resolveRange(params, ctx.now);
  const retention = await ctx.exec<{ cohort: string; week: number; users: string }>(
    retentionQuery(params, range),
  );
  const platforms = await ctx.exec<Record<string, string | number>>(
    platformCohortQuery(params, range),
  );
  const byCohort = new Map<string, { week: number; users: number }[]>();
  for (const r of retention) {
    const list = byCohort.get(r.cohort) ?? [];
    list.push({ week: Number(r.week), users: Number(r.users) });
    byCohort.set(r.cohort, list);
  }
  const weeks = Number(params.weeks);
  return {
    range: rangeJson(range, params.tz),
    currency: ctx.baseCurrency,
    retention: [...byCohort.entries()].map(([cohort, list]) => {
      const size = list.find((w) => w.week === 0)?.users ?? 0;
      const users = Array.from(
        { length: weeks + 1 },
        (_, k) => list.find((w) => w.week === k)?.users ?? 0,
      );
      return {
        cohort_week: cohort,
        size,
        weeks: users.map((n, week) => ({ week, users: n, rate: size === 0 ? 0 : round(n / size) })),
      };
    }),
    first_platform: Object.fromEntries(["mobile", "web", "other"].map((name) => {
      const r = platforms.find((row) => row.cohort === name);
      const users = Number(r?.users ?? 0);
      const buyers = Number(r?.buyers ?? 0);
      const revenue = Number(r?.revenue ?? 0);
      return [name, {
        users,
        buyers,
        buyers_within_7d: Number(r?.buyers_7d ?? 0),
        share_buying_within_7d: users === 0 ? 0 : round(Number(r?.buyers_7d ?? 0) / users),
        revenue: round(revenue, 2),
        ltv: users === 0 ? 0 : round(revenue / users, 2),
        ltv_per_buyer: buyers === 0 ? 0 : round(revenue / buyers, 2),
      }];
    })),
  };
}
