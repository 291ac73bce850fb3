/** Events: counts per event name over time, the top events and the top pages of a range. */
import { aliasesOf } from "../../shared/events/vocabulary.ts";
import { rangeJson } from "./active_users.ts";
import type { QuestionContext } from "./exec.ts";
import type { ParamsOf } from "./params.ts";
import { ACTOR, bucket, type BuiltQuery, eventIn, eventsSubquery, Params } from "./sql.ts";
import { type Range, resolveRange } from "./time.ts";

/** The three queries of the events question. */
export function eventsQueries(
  params: ParamsOf<"events">,
  range: Range,
): { series: BuiltQuery; top: BuiltQuery; pages: BuiltQuery } {
  const limit = Number(params.limit);
  const series = new Params();
  const seriesSql = `SELECT toUnixTimestamp(${bucket(series, params.interval, params.tz)}) AS t,
  event, count() AS events
FROM ${eventsSubquery(series, { range, params, columns: "timestamp, event" })}
GROUP BY t, event ORDER BY t, event`;
  const top = new Params();
  const topSql = `SELECT event, count() AS events, uniqExact(actor) AS users
FROM ${eventsSubquery(top, { range, params, columns: `event, ${ACTOR} AS actor` })}
GROUP BY event ORDER BY events DESC, event LIMIT ${top.bind(limit, "UInt32")}`;
  const pages = new Params();
  const pageViews = `url != '' AND (type = 'page' OR ${eventIn(pages, aliasesOf("page_view"))})`;
  const pagesSql = `SELECT path(url) AS page, count() AS views, uniqExact(actor) AS users
FROM ${
    eventsSubquery(pages, {
      range,
      params,
      columns: `url, ${ACTOR} AS actor`,
      extra: [pageViews],
    })
  }
GROUP BY page ORDER BY views DESC, page LIMIT ${pages.bind(limit, "UInt32")}`;
  return {
    series: { sql: seriesSql, params: series.values },
    top: { sql: topSql, params: top.values },
    pages: { sql: pagesSql, params: pages.values },
  };
}

/** Runs the events question. */
export async function events(params: ParamsOf<"events">, ctx: QuestionContext) {
  const range = resolveRange(params, ctx.now);
  const q = eventsQueries(params, range);
  const series = await ctx.exec<{ t: number; event: string; events: string }>(q.series);
  const top = await ctx.exec<{ event: string; events: string; users: string }>(q.top);
  const pages = await ctx.exec<{ page: string; views: string; users: string }>(q.pages);
  return {
    range: rangeJson(range, params.tz),
    interval: params.interval,
    series: series.map((r) => ({
      t: new Date(Number(r.t) * 1000).toISOString(),
      event: r.event,
      events: Number(r.events),
    })),
    top_events: top.map((r) => ({
      event: r.event,
      events: Number(r.events),
      users: Number(r.users),
    })),
    top_pages: pages.map((r) => ({
      page: r.page,
      views: Number(r.views),
      users: Number(r.users),
    })),
  };
}
