/**
 * `/data/campaigns`, `/data/products`, `/data/rates` (admin): the reference data enrichment
 * reads, listed and edited in validated forms; every save is audited with the row before it.
 * Enrichment picks changes up without a restart: campaigns and rates on its next refresh
 * (REFRESH_INTERVAL_MS, 60 s), products when their cache entry expires
 * (PRODUCT_CACHE_TTL_SECONDS, 600 s).
 */
import { type Context, Hono } from "hono";
import { type PageDeps, renderPage } from "./deps.ts";
import { BASE_CURRENCY, withPostgres } from "../adapters/stores.ts";
import {
  listCampaignRecords,
  listProductRecords,
  listRates,
  upsertCampaign,
  upsertProduct,
  upsertRate,
} from "../adapters/pg_data.ts";
import { insertAudit } from "../adapters/pg_access.ts";
import { parseCampaignForm, parseProductForm, parseRateForm } from "../core/data_forms.ts";
import { parseText } from "../core/params.ts";
import { zoneOffsetMs } from "../core/zone.ts";
import { requireRole, staffOf } from "../access/middleware.ts";
import { CsrfField, Layout, PageHead } from "../components/layout.tsx";
import { DataTable } from "../components/table.tsx";
import { uiOf } from "../components/ui.ts";
import type { Child } from "hono/jsx";

const DAY = 86_400_000;

/** The "new or edited row" form of a Data tab: its fields, the CSRF token and a save button. */
function EditForm(props: { c: Context; action: string; id: string; children: Child }) {
  const { t } = uiOf(props.c);
  return (
    <div class="panel">
      <h2>{t("data.new")}</h2>
      <form method="post" action={props.action} class="filters" id={props.id}>
        <CsrfField token={staffOf(props.c).csrf_token} />
        {props.children}
        <button type="submit">{t("data.save")}</button>
      </form>
    </div>
  );
}

/** The last cell of a Data row: a link that opens the row in the tab's form. */
function EditCell(props: { c: Context; path: string; id: string }) {
  return (
    <td>
      <a href={`${props.path}?edit=${encodeURIComponent(props.id)}`}>
        {uiOf(props.c).t("data.edit")}
      </a>
    </td>
  );
}

/** The Data pages (admin role); mount at `/data`. */
export function dataRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.use(requireRole("admin"));

  const frame = (c: Context, tab: string, body: Child, flash?: string) => {
    const { t } = uiOf(c);
    const tabs = [
      ["campaigns", t("data.tab.campaigns")],
      ["products", t("data.tab.products")],
      ["rates", t("data.tab.rates")],
    ];
    return renderPage(
      c,
      <Layout title={t("data.title")} active="/data/campaigns">
        <PageHead title={t("data.title")} sub={t("data.sub")}>
          <div class="tabs">
            {tabs.map(([key, label]) => (
              <a href={`/data/${key}`} class={key === tab ? "active" : undefined}>{label}</a>
            ))}
          </div>
        </PageHead>
        {flash !== undefined && <p class="flash ok" role="status">{flash}</p>}
        {body}
      </Layout>,
    );
  };
  const audit = (c: Context, action: string, target: string, details: Record<string, unknown>) =>
    withPostgres(
      deps.stores,
      (sql) => insertAudit(sql, { actor: staffOf(c).username, action, target, details }),
    );

  // Campaigns.
  const campaignsPage = async (c: Context, flash?: string) => {
    const { t, fmt, timeZone } = uiOf(c);
    const rows = await withPostgres(deps.stores, (sql) => listCampaignRecords(sql));
    const editing = rows.find((r) => r.campaign_id === c.req.query("edit"));
    const day = (d: Date) =>
      new Date(d.getTime() + zoneOffsetMs(d, timeZone)).toISOString().slice(0, 10);
    return frame(
      c,
      "campaigns",
      <>
        <EditForm c={c} action="/data/campaigns" id="campaign-form">
          <label>
            {t("data.col.id")}
            <input name="campaign_id" required value={editing?.campaign_id ?? ""} />
          </label>
          <label>
            {t("data.col.name")}
            <input name="name" required value={editing?.name ?? ""} />
          </label>
          <label>
            {t("data.col.utm")}
            <input name="utm_campaign" value={editing?.utm_campaign ?? ""} />
          </label>
          <label>
            {t("data.col.channel")}
            <input name="channel" value={editing?.channel ?? ""} />
          </label>
          <label>
            {t("data.col.starts")}
            <input
              type="date"
              name="starts_on"
              required
              value={editing ? day(editing.starts_at) : ""}
            />
          </label>
          <label>
            {t("data.col.ends")}
            <input
              type="date"
              name="ends_on"
              required
              value={editing ? day(new Date(editing.ends_at.getTime() - DAY)) : ""}
            />
          </label>
        </EditForm>
        <div class="panel">
          <DataTable
            id="data-campaigns"
            columns={[
              { label: t("data.col.id") },
              { label: t("data.col.name") },
              { label: t("data.col.utm") },
              { label: t("data.col.channel") },
              { label: t("data.col.starts") },
              { label: t("data.col.ends") },
              { label: "" },
            ]}
            empty={t("data.empty")}
            rows={rows.map((r) => (
              <tr>
                <td class="mono">{r.campaign_id}</td>
                <td>{r.name}</td>
                <td class="mono">{r.utm_campaign ?? "—"}</td>
                <td>{r.channel ?? "—"}</td>
                <td>{fmt.day(r.starts_at)}</td>
                <td>{fmt.day(new Date(r.ends_at.getTime() - 1))}</td>
                <EditCell c={c} path="/data/campaigns" id={r.campaign_id} />
              </tr>
            ))}
          />
        </div>
      </>,
      flash,
    );
  };
  app.get("/", (c) => c.redirect("/data/campaigns", 303));
  app.get("/campaigns", (c) => campaignsPage(c));
  app.post("/campaigns", async (c) => {
    const record = parseCampaignForm(await c.req.parseBody(), uiOf(c).timeZone);
    const before = await withPostgres(deps.stores, (sql) => upsertCampaign(sql, record));
    await audit(c, "data.campaign", record.campaign_id, { before: before ?? null, after: record });
    return campaignsPage(c, uiOf(c).t("data.saved", { id: record.campaign_id }));
  });

  // Catalogue.
  const productsPage = async (c: Context, flash?: string) => {
    const { t, fmt } = uiOf(c);
    const q = parseText("q", c.req.query("q"));
    const rows = await withPostgres(deps.stores, (sql) => listProductRecords(sql, { q }));
    const editId = c.req.query("edit");
    const editing = editId === undefined
      ? undefined
      : (await withPostgres(deps.stores, (sql) => listProductRecords(sql, { q: editId })))
        .find((r) => r.product_id === editId);
    return frame(
      c,
      "products",
      <>
        <EditForm c={c} action="/data/products" id="product-form">
          <label>
            {t("data.col.id")}
            <input name="product_id" required value={editing?.product_id ?? ""} />
          </label>
          <label>
            {t("data.col.name")}
            <input name="name" required value={editing?.name ?? ""} />
          </label>
          <label>
            {t("data.col.category")}
            <input name="category" value={editing?.category ?? ""} />
          </label>
          <label>
            {t("data.col.price")}
            <input name="price" inputmode="decimal" required value={editing?.price ?? ""} />
          </label>
          <label>
            {t("data.col.currency")}
            <input name="currency" required size={4} value={editing?.currency ?? BASE_CURRENCY} />
          </label>
        </EditForm>
        <div class="panel">
          <form method="get" action="/data/products" class="filters">
            <label>
              {t("data.search")}
              <input type="search" name="q" value={q ?? ""} />
            </label>
            <button type="submit">{t("common.filter")}</button>
          </form>
          <DataTable
            id="data-products"
            columns={[
              { label: t("data.col.id") },
              { label: t("data.col.name") },
              { label: t("data.col.category") },
              { label: t("data.col.price"), num: true },
              { label: "" },
            ]}
            empty={t("data.empty")}
            rows={rows.map((r) => (
              <tr>
                <td class="mono">{r.product_id}</td>
                <td>{r.name ?? "—"}</td>
                <td>{r.category ?? "—"}</td>
                <td class="num">{fmt.money(r.price, r.currency)}</td>
                <EditCell c={c} path="/data/products" id={r.product_id} />
              </tr>
            ))}
          />
        </div>
      </>,
      flash,
    );
  };
  app.get("/products", (c) => productsPage(c));
  app.post("/products", async (c) => {
    const record = parseProductForm(await c.req.parseBody());
    const before = await withPostgres(deps.stores, (sql) => upsertProduct(sql, record));
    await audit(c, "data.product", record.product_id, { before: before ?? null, after: record });
    return productsPage(c, uiOf(c).t("data.saved", { id: record.product_id }));
  });

  // Exchange rates.
  const ratesPage = async (c: Context, flash?: string) => {
    const { t, fmt } = uiOf(c);
    const rows = await withPostgres(deps.stores, listRates);
    const editing = rows.find((r) => r.currency.trim() === c.req.query("edit"));
    return frame(
      c,
      "rates",
      <>
        <EditForm c={c} action="/data/rates" id="rate-form">
          <label>
            {t("data.col.currency")}
            <input name="currency" required size={4} value={editing?.currency.trim() ?? ""} />
          </label>
          <label>
            {t("data.col.rate", { base: BASE_CURRENCY })}
            <input
              name="rate_to_base"
              inputmode="decimal"
              required
              value={editing?.rate_to_base ?? ""}
            />
          </label>
        </EditForm>
        <div class="panel">
          <DataTable
            id="data-rates"
            columns={[
              { label: t("data.col.currency") },
              { label: t("data.col.rate", { base: BASE_CURRENCY }), num: true },
              { label: t("data.col.updated") },
              { label: "" },
            ]}
            empty={t("data.empty")}
            rows={rows.map((r) => (
              <tr>
                <td class="mono">{r.currency}</td>
                <td class="num">{r.rate_to_base}</td>
                <td>{fmt.time(r.updated_at)}</td>
                <EditCell c={c} path="/data/rates" id={r.currency.trim()} />
              </tr>
            ))}
          />
        </div>
      </>,
      flash,
    );
  };
  app.get("/rates", (c) => ratesPage(c));
  app.post("/rates", async (c) => {
    const record = parseRateForm(await c.req.parseBody());
    const before = await withPostgres(deps.stores, (sql) => upsertRate(sql, record));
    await audit(c, "data.rate", record.currency, {
      before: before ?? null,
      after: record.rate_to_base,
    });
    return ratesPage(c, uiOf(c).t("data.saved", { id: record.currency }));
  });
  return app;
}
