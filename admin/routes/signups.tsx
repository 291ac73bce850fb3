/**
 * `/signups` (the list the brief asks for: period, platform, campaign, country; paginated) and
 * `/export/signups.csv` (same filter, streamed, analyst and up). The campaign comes from
 * ClickHouse, the only store that keeps a signup's marketing fields.
 */
import { type Context, Hono } from "hono";
import { keptParams, type PageDeps, pagerOf, renderPage } from "./deps.ts";
import { pageWindow, parsePage, parseText } from "../core/params.ts";
import { NotFoundError } from "../core/errors.ts";
import { csvDownloadHeaders, csvStream } from "../core/csv.ts";
import { withClickHouse, withPostgres } from "../adapters/stores.ts";
import {
  listSignups,
  signupEventIds,
  signupFacets,
  type SignupFilter,
  streamSignups,
} from "../adapters/pg_signups.ts";
import { signupCampaigns } from "../adapters/ch_signups.ts";
import { roleAtLeast } from "../adapters/pg_access.ts";
import { requireRole, staffOf } from "../access/middleware.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { DataTable } from "../components/table.tsx";
import { FilterForm, PeriodRangeFields, SelectFilter } from "../components/filters.tsx";
import { ExportButton, orDash, Pager } from "../components/widgets.tsx";
import { uiOf } from "../components/ui.ts";
import { LIST_PERIODS, parseRange } from "./purchase_filter.ts";

/** Signups a campaign filter inspects at most. */
export const CAMPAIGN_SCAN_LIMIT = 20_000;

async function parseSignupFilter(
  c: Context,
  deps: PageDeps,
): Promise<{ filter: SignupFilter; capped: boolean }> {
  const query = c.req.query();
  const filter: SignupFilter = {
    ...parseRange(query, { now: deps.now(), zone: uiOf(c).timeZone }),
    platform: parseText("platform", query.platform, { maxLength: 40 }),
    country: parseText("country", query.country, { maxLength: 8 })?.toUpperCase(),
  };
  const campaign = parseText("campaign", query.campaign);
  if (campaign === undefined) return { filter, capped: false };
  const ids = await withPostgres(
    deps.stores,
    (sql) => signupEventIds(sql, filter, CAMPAIGN_SCAN_LIMIT),
  );
  const campaigns = await withClickHouse(deps.stores, (ch) => signupCampaigns(ch, ids));
  return {
    filter: { ...filter, eventIds: ids.filter((id) => campaigns.get(id) === campaign) },
    capped: ids.length === CAMPAIGN_SCAN_LIMIT,
  };
}

/** `/signups.csv` (mount at `/export`). */
export function signupExportRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.get("/signups.csv", requireRole("analyst"), async (c) => {
    const { t } = uiOf(c);
    const { filter } = await parseSignupFilter(c, deps);
    const header = [
      t("signups.col.at"),
      t("signups.col.user"),
      t("signups.col.email"),
      t("signups.col.name"),
      t("signups.col.platform"),
      t("signups.col.method"),
      t("signups.col.country"),
      t("signups.col.campaign"),
    ];
    async function* rows() {
      for await (const batch of streamSignups(deps.stores.pg, filter)) {
        const campaigns = await withClickHouse(
          deps.stores,
          (ch) => signupCampaigns(ch, batch.map((s) => s.event_id)),
        );
        yield batch.map((s) => [
          s.signed_up_at,
          s.user_id,
          s.email,
          s.name,
          s.platform,
          s.method,
          s.country_code,
          campaigns.get(s.event_id) ?? null,
        ]);
      }
    }
    return c.body(csvStream(header, rows()), 200, csvDownloadHeaders("signups", deps.now()));
  });
  return app;
}

/** The signups page. */
export function signupRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const ui = uiOf(c);
    const { t, fmt } = ui;
    const page = parsePage(c.req.query("page"));
    const { filter, capped } = await parseSignupFilter(c, deps);
    const [{ rows, total }, facets] = await Promise.all([
      withPostgres(
        deps.stores,
        (sql) => listSignups(sql, filter, pageWindow(page, deps.pageSize)),
      ),
      withPostgres(deps.stores, signupFacets),
    ]);
    if (rows.length === 0 && page > 1) {
      throw new NotFoundError(`Page ${page} of the signups does not exist.`);
    }
    const campaigns = await withClickHouse(
      deps.stores,
      (ch) => signupCampaigns(ch, rows.map((r) => r.event_id)),
    );
    const q = (name: string) => c.req.query(name) ?? "";
    const canExport = roleAtLeast(staffOf(c).role, "analyst");
    return renderPage(
      c,
      <Layout title={t("signups.title")} active="/signups">
        <PageHead title={t("signups.title")} sub={t("signups.sub", { count: fmt.count(total) })}>
          {canExport && (
            <ExportButton href={`/export/signups.csv?${new URLSearchParams(keptParams(c))}`}>
              {t("orders.export")}
            </ExportButton>
          )}
        </PageHead>
        <div class="panel">
          <FilterForm action="/signups" submit={t("common.filter")} reset={t("common.reset")}>
            <PeriodRangeFields
              ui={ui}
              periods={LIST_PERIODS}
              period={q("period")}
              from={q("from")}
              to={q("to")}
            />
            <SelectFilter
              label={t("signups.f.platform")}
              name="platform"
              any={t("common.any")}
              options={facets.platforms}
              value={filter.platform}
            />
            <SelectFilter
              label={t("signups.f.country")}
              name="country"
              any={t("common.any")}
              options={facets.countries}
              value={filter.country}
            />
            <label>
              {t("signups.f.campaign")}
              <input type="search" name="campaign" value={q("campaign")} />
            </label>
          </FilterForm>
          {capped && (
            <p class="flash bad">
              {t("signups.too_many", { limit: fmt.count(CAMPAIGN_SCAN_LIMIT) })}
            </p>
          )}
          <DataTable
            id="signups"
            columns={[
              { label: t("signups.col.at") },
              { label: t("signups.col.user") },
              { label: t("signups.col.email") },
              { label: t("signups.col.platform") },
              { label: t("signups.col.method") },
              { label: t("signups.col.country") },
              { label: t("signups.col.campaign") },
            ]}
            empty={t("signups.empty")}
            rows={rows.map((s) => (
              <tr>
                <td class="mono">{fmt.time(s.signed_up_at)}</td>
                <td class="mono">
                  <a href={`/users/${encodeURIComponent(s.user_id)}`}>{s.user_id}</a>
                </td>
                <td>{orDash(s.email)}</td>
                <td>{orDash(s.platform)}</td>
                <td>{orDash(s.method)}</td>
                <td>{orDash(s.country_code)}</td>
                <td>{orDash(campaigns.get(s.event_id))}</td>
              </tr>
            ))}
          />
          <Pager {...pagerOf(c, "/signups", page, deps.pageSize, total)} />
        </div>
      </Layout>,
    );
  });
  return app;
}
