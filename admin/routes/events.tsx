/** `/events`: the latest events from ClickHouse, filterable, with an opt-in auto-refresh. */
import { Hono } from "hono";
import { keptParams, type PageDeps, renderPage } from "./deps.ts";
import { parseChoice, parseText } from "../core/params.ts";
import { formatTime } from "../core/format.ts";
import { withClickHouse } from "../adapters/stores.ts";
import { eventFacets, latestEvents } from "../adapters/ch_traffic.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { DataTable } from "../components/table.tsx";
import { FilterForm, SelectFilter } from "../components/filters.tsx";
import { orDash } from "../components/widgets.tsx";

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
          <FilterForm action="/events" submit="Filter">
            <SelectFilter
              label="Event"
              name="event"
              any="All events"
              options={facets.events}
              value={event}
            />
            <SelectFilter
              label="Platform"
              name="platform"
              any="All platforms"
              options={facets.platforms}
              value={platform}
            />
            {refresh !== undefined && <input type="hidden" name="refresh" value={refresh} />}
          </FilterForm>
          <DataTable
            id="events"
            columns={[
              { label: "Time" },
              { label: "Event" },
              { label: "Who" },
              { label: "Platform" },
              { label: "Page / product" },
              { label: "Device" },
              { label: "Location" },
              { label: "Source" },
            ]}
            empty="No events match"
            rows={rows.map((e) => (
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
          />
        </div>
      </Layout>,
    );
  });
  return app;
}
