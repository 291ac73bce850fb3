/** `/events`: the latest events from ClickHouse, filterable, with an opt-in auto-refresh. */
import { Hono } from "hono";
import { keptParams, type PageDeps, renderPage } from "./deps.ts";
import { parseChoice, parseText } from "../core/params.ts";
import { uiOf } from "../components/ui.ts";
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
    const { t, fmt } = uiOf(c);
    const formatTime = fmt.time;
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
        title={t("events.title")}
        active="/events"
        refreshSeconds={refresh === undefined ? undefined : Number(refresh)}
      >
        <PageHead title={t("events.title")} sub={t("events.sub", { count: rows.length })}>
          <a
            class={refresh === undefined ? "button secondary" : "button"}
            href={toggle}
            id="refresh-toggle"
          >
            {refresh === undefined
              ? t("events.refresh_off")
              : t("events.refresh_every", { seconds: refresh })}
          </a>
        </PageHead>
        <div class="panel">
          <FilterForm action="/events" submit={t("events.filter")}>
            <SelectFilter
              label={t("events.col.event")}
              name="event"
              any={t("events.all_events")}
              options={facets.events}
              value={event}
            />
            <SelectFilter
              label={t("events.col.platform")}
              name="platform"
              any={t("events.all_platforms")}
              options={facets.platforms}
              value={platform}
            />
            {refresh !== undefined && <input type="hidden" name="refresh" value={refresh} />}
          </FilterForm>
          <DataTable
            id="events"
            columns={[
              { label: t("events.col.time") },
              { label: t("events.col.event") },
              { label: t("events.col.who") },
              { label: t("events.col.platform") },
              { label: t("events.col.page") },
              { label: t("events.col.device") },
              { label: t("events.col.location") },
              { label: t("events.col.source") },
            ]}
            empty={t("events.empty")}
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
