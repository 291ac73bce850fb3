// deno-lint-ignore-file jsx-key -- server-rendered once, nothing reconciles lists, so keys would only leak into the HTML as attributes
/** `/events`: the latest events from ClickHouse, filterable, with an opt-in auto-refresh. */
import { Hono } from "hono";
import { keptParams, type PageDeps, renderPage } from "./deps.ts";
import { parseChoice, parseText } from "../core/params.ts";
import { formatTime } from "../core/format.ts";
import { withClickHouse } from "../adapters/stores.ts";
import { eventFacets, latestEvents } from "../adapters/ch_traffic.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { EmptyRow, orDash } from "../components/widgets.tsx";

const REFRESH_CHOICES = ["5", "10", "30"] as const;
/** How far back the stream and its filter menus look; keeps the scan to recent partitions. */
const WINDOW_MS = 7 * 86_400_000;

/** The live events page. */
export function eventRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const event = parseText("event", c.req.query("event"), { maxLength: 200 });
    const platform = parseText("platform", c.req.query("platform"), { maxLength: 40 });
    const refresh = parseChoice("refresh", c.req.query("refresh"), REFRESH_CHOICES);
    const since = new Date(deps.now().getTime() - WINDOW_MS);
    const [rows, facets] = await Promise.all([
      withClickHouse(
        deps.stores,
        (ch) => latestEvents(ch, { event, platform }, { since, limit: 100 }),
      ),
      withClickHouse(deps.stores, (ch) => eventFacets(ch, since)),
    ]);
    const kept = keptParams(c, ["refresh"]);
    const toggle = refresh === undefined
      ? `/events?${new URLSearchParams({ ...kept, refresh: "5" })}`
      : `/events?${new URLSearchParams(kept)}`;
    return renderPage(
      c,
      <Layout
        title="Live events"
        active="/events"
        refreshSeconds={refresh === undefined ? undefined : Number(refresh)}
      >
        <PageHead title="Live events" sub={`Latest ${rows.length} events of the last 7 days`}>
          <a
            class={refresh === undefined ? "button secondary" : "button"}
            href={toggle}
            id="refresh-toggle"
          >
            {refresh === undefined ? "Auto-refresh: off" : `Auto-refresh: every ${refresh} s`}
          </a>
        </PageHead>
        <div class="panel">
          <form class="filters" method="get" action="/events">
            <label>
              Event
              <select name="event">
                <option value="">All events</option>
                {facets.events.map((e) => <option value={e} selected={e === event}>{e}</option>)}
              </select>
            </label>
            <label>
              Platform
              <select name="platform">
                <option value="">All platforms</option>
                {facets.platforms.map((p) => (
                  <option value={p} selected={p === platform}>{p}</option>
                ))}
              </select>
            </label>
            {refresh !== undefined && <input type="hidden" name="refresh" value={refresh} />}
            <button type="submit">Filter</button>
            <a class="button secondary" href="/events">Reset</a>
          </form>
          <table id="events">
            <thead>
              <tr>
                <th>Time</th>
                <th>Event</th>
                <th>Who</th>
                <th>Platform</th>
                <th>Page / product</th>
                <th>Device</th>
                <th>Location</th>
                <th>Source</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && <EmptyRow columns={8}>No events match</EmptyRow>}
              {rows.map((e) => (
                <tr>
                  <td class="mono">{formatTime(e.timestamp)}</td>
                  <td>
                    <strong>{e.event}</strong>
                    {e.is_bot && (
                      <span>
                        <span class="badge warn">bot</span>
                      </span>
                    )}
                  </td>
                  <td>
                    {e.user_id !== ""
                      ? <a href={`/users/${encodeURIComponent(e.user_id)}`}>{e.user_id}</a>
                      : <span class="muted mono">{orDash(e.anonymous_id)}</span>}
                  </td>
                  <td>{orDash(e.platform)}</td>
                  <td>{e.product_name || e.product_id || e.url || "—"}</td>
                  <td>{[e.device_browser, e.device_os].filter((v) => v).join(" / ") || "—"}</td>
                  <td>{[e.geo_city, e.geo_country_code].filter((v) => v).join(", ") || "—"}</td>
                  <td>{e.utm_campaign || e.channel || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Layout>,
    );
  });
  return app;
}
