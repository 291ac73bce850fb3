/**
 * `/orders` (Purchases: filterable, sortable, paginated), `/export/purchases.csv` (the same filter,
 * streamed as CSV with headers in the viewer's language; analyst and up) and `/orders/:id`.
 */
import { Hono } from "hono";
import { idParam, keptParams, type PageDeps, pagerOf, renderPage } from "./deps.ts";
import { pageWindow, parsePage } from "../core/params.ts";
import { NotFoundError } from "../core/errors.ts";
import { csvDownloadHeaders, csvStream } from "../core/csv.ts";
import { BASE_CURRENCY, withPostgres } from "../adapters/stores.ts";
import {
  getOrder,
  listOrders,
  ORDER_SORTS,
  orderFacets,
  type OrderRow,
  orderStatuses,
  streamOrders,
} from "../adapters/pg_orders.ts";
import { roleAtLeast } from "../adapters/pg_access.ts";
import { requireRole, staffOf } from "../access/middleware.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { DataTable } from "../components/table.tsx";
import { FilterForm, PeriodRangeFields, SelectFilter } from "../components/filters.tsx";
import { Badge, EmptyRow, ExportButton, orDash, Pager } from "../components/widgets.tsx";
import { uiOf } from "../components/ui.ts";
import { LIST_PERIODS, parsePurchaseQuery } from "./purchase_filter.ts";

/** `/purchases.csv` (mount at `/export`): the purchases filter streamed as CSV, analyst and up. */
export function purchaseExportRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.get("/purchases.csv", requireRole("analyst"), (c) => {
    const { t } = uiOf(c);
    const ui = uiOf(c);
    const { filter, order } = parsePurchaseQuery(c.req.query(), {
      now: deps.now(),
      zone: ui.timeZone,
    });
    const header = [
      t("orders.col.order"),
      t("orders.col.placed"),
      t("orders.col.customer"),
      t("orders.col.status"),
      t("orders.col.items"),
      t("orders.col.total"),
      t("orders.col.currency"),
      t("orders.col.revenue", { currency: BASE_CURRENCY }),
      t("orders.col.campaign"),
      t("orders.col.channel"),
      t("orders.col.city"),
      t("orders.col.country"),
    ];
    async function* rows() {
      for await (const batch of streamOrders(deps.stores.pg, filter, { order })) {
        yield batch.map((o: OrderRow) => [
          o.order_id,
          o.created_at,
          o.user_id,
          o.status,
          o.items,
          o.total,
          o.currency.trim(),
          o.revenue_base,
          o.campaign,
          o.channel,
          o.city,
          o.country_code,
        ]);
      }
    }
    return c.body(csvStream(header, rows()), 200, csvDownloadHeaders("purchases", deps.now()));
  });
  return app;
}

/** The purchases pages. */
export function orderRoutes(deps: PageDeps): Hono {
  const app = new Hono();

  app.get("/", async (c) => {
    const ui = uiOf(c);
    const { t, fmt } = ui;
    const page = parsePage(c.req.query("page"));
    const { filter, order } = parsePurchaseQuery(c.req.query(), {
      now: deps.now(),
      zone: ui.timeZone,
    });
    const [{ rows, total }, statuses, facets] = await Promise.all([
      withPostgres(
        deps.stores,
        (sql) => listOrders(sql, filter, { ...pageWindow(page, deps.pageSize), order }),
      ),
      withPostgres(deps.stores, orderStatuses),
      withPostgres(deps.stores, orderFacets),
    ]);
    if (rows.length === 0 && page > 1) {
      const pages = Math.max(1, Math.ceil(total / deps.pageSize));
      throw new NotFoundError(
        `Page ${page} of the orders does not exist: there ${
          pages === 1 ? "is 1 page" : `are ${pages} pages`
        }.`,
      );
    }
    const q = (name: string) => c.req.query(name) ?? "";
    const canExport = roleAtLeast(staffOf(c).role, "analyst");
    const exportHref = `/export/purchases.csv?${new URLSearchParams(keptParams(c))}`;
    return renderPage(
      c,
      <Layout title={t("orders.title")} active="/orders">
        <PageHead
          title={t("orders.title")}
          sub={t("orders.sub", { count: fmt.count(total) })}
        >
          {canExport && <ExportButton href={exportHref}>{t("orders.export")}</ExportButton>}
        </PageHead>
        <div class="panel">
          <FilterForm action="/orders" submit={t("common.filter")} reset={t("common.reset")}>
            <label>
              {t("orders.f.q")}
              <input type="search" name="q" value={q("q")} placeholder="ord_…" />
            </label>
            <PeriodRangeFields
              ui={ui}
              periods={LIST_PERIODS}
              period={q("period")}
              from={q("from")}
              to={q("to")}
            />
            <SelectFilter
              label={t("orders.f.status")}
              name="status"
              any={t("common.any")}
              options={statuses}
              value={filter.status}
            />
            <label>
              {t("orders.f.min")}
              <input name="min" inputmode="decimal" value={q("min")} size={8} />
            </label>
            <label>
              {t("orders.f.max")}
              <input name="max" inputmode="decimal" value={q("max")} size={8} />
            </label>
            <label>
              {t("orders.f.customer")}
              <input type="search" name="customer" value={q("customer")} />
            </label>
            <label>
              {t("orders.f.product")}
              <input type="search" name="product" value={q("product")} />
            </label>
            <SelectFilter
              label={t("orders.f.city")}
              name="city"
              any={t("common.any")}
              options={facets.cities}
              value={filter.city}
            />
            <SelectFilter
              label={t("orders.f.campaign")}
              name="campaign"
              any={t("common.any")}
              options={facets.campaigns}
              value={filter.campaign}
            />
            <label>
              {t("orders.f.sort")}
              <select name="sort">
                {ORDER_SORTS.map((s) => (
                  <option value={s} selected={order.sort === s}>{t(`orders.sort.${s}`)}</option>
                ))}
              </select>
            </label>
            <label>
              <span class="sr-only">{t("orders.f.sort")}</span>
              <select name="dir" aria-label={t("orders.f.sort")}>
                <option value="desc" selected={order.dir === "desc"}>{t("orders.dir.desc")}</option>
                <option value="asc" selected={order.dir === "asc"}>{t("orders.dir.asc")}</option>
              </select>
            </label>
          </FilterForm>
          <DataTable
            id="orders"
            columns={[
              { label: t("orders.col.order") },
              { label: t("orders.col.placed") },
              { label: t("orders.col.customer") },
              { label: t("orders.col.status") },
              { label: t("orders.col.items"), num: true },
              { label: t("orders.col.total"), num: true },
              { label: t("orders.col.revenue", { currency: BASE_CURRENCY }), num: true },
              { label: t("orders.col.channel") },
              { label: t("orders.col.city") },
            ]}
            empty={t("orders.empty")}
            rows={rows.map((o) => (
              <tr>
                <td class="mono">
                  <a href={`/orders/${encodeURIComponent(o.order_id)}`}>{o.order_id}</a>
                </td>
                <td class="mono">{fmt.time(o.created_at)}</td>
                <td>
                  {o.user_id !== null
                    ? <a href={`/users/${encodeURIComponent(o.user_id)}`}>{o.user_id}</a>
                    : <span class="muted">{t("orders.guest")}</span>}
                </td>
                <td>
                  <Badge text={o.status} />
                </td>
                <td class="num">{fmt.count(o.items)}</td>
                <td class="num">{fmt.money(o.total, o.currency)}</td>
                <td class="num">{fmt.money(o.revenue_base, o.base_currency)}</td>
                <td>{orDash(o.channel)}</td>
                <td>{orDash(o.city)}</td>
              </tr>
            ))}
          />
          <Pager {...pagerOf(c, "/orders", page, deps.pageSize, total)} />
        </div>
      </Layout>,
    );
  });

  app.get("/:id", async (c) => {
    const { t, fmt } = uiOf(c);
    const id = idParam(c);
    const order = await withPostgres(deps.stores, (sql) => getOrder(sql, id));
    if (order === null) throw new NotFoundError(t("order.not_found", { id }));
    const title = t("order.title", { id: order.order_id });
    return renderPage(
      c,
      <Layout title={title} active="/orders">
        <PageHead title={title} sub={fmt.time(order.created_at)}>
          <Badge text={order.status} />
        </PageHead>
        <div class="grid two">
          <div class="panel">
            <h2>{t("order.items")}</h2>
            <table id="order-items">
              <thead>
                <tr>
                  <th>#</th>
                  <th>{t("order.col.product")}</th>
                  <th>{t("order.col.category")}</th>
                  <th class="num">{t("order.col.qty")}</th>
                  <th class="num">{t("order.col.unit_price")}</th>
                  <th class="num">{t("order.col.line_total")}</th>
                </tr>
              </thead>
              <tbody>
                {order.lines.length === 0 && <EmptyRow columns={6}>{t("order.no_items")}</EmptyRow>}
                {order.lines.map((line) => (
                  <tr>
                    <td>{line.line_no}</td>
                    <td>
                      <a href={`/products/${encodeURIComponent(line.product_id)}`}>
                        {line.name ?? line.product_id}
                      </a>
                      <div class="muted mono">{line.product_id}</div>
                    </td>
                    <td>{orDash(line.category)}</td>
                    <td class="num">{fmt.count(line.quantity)}</td>
                    <td class="num">{fmt.money(line.unit_price, order.currency)}</td>
                    <td class="num">
                      {fmt.money(line.quantity * line.unit_price, order.currency)}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td colspan={5}>
                    <strong>{t("order.total")}</strong>
                  </td>
                  <td class="num">
                    <strong>{fmt.money(order.total, order.currency)}</strong>
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
          <div class="panel">
            <h2>{t("order.details")}</h2>
            <dl class="facts" id="order-facts">
              <dt>{t("orders.col.customer")}</dt>
              <dd>
                {order.user_id !== null
                  ? <a href={`/users/${encodeURIComponent(order.user_id)}`}>{order.user_id}</a>
                  : <span class="muted">{t("orders.guest")}</span>}
                {order.user_tier !== null && (
                  <span>
                    <span class="badge">{order.user_tier}</span>
                  </span>
                )}
              </dd>
              <dt>{t("orders.col.revenue", { currency: order.base_currency })}</dt>
              <dd>{fmt.money(order.revenue_base, order.base_currency)}</dd>
              <dt>{t("orders.col.campaign")}</dt>
              <dd>{order.campaign !== null ? <a href="/campaigns">{order.campaign}</a> : "—"}</dd>
              <dt>{t("orders.col.channel")}</dt>
              <dd>{orDash(order.channel)}</dd>
              <dt>{t("orders.col.city")}</dt>
              <dd>{[order.city, order.country_code].filter((v) => v).join(", ") || "—"}</dd>
              <dt>{t("order.session")}</dt>
              <dd class="mono">{orDash(order.session_id)}</dd>
              <dt>{t("order.anonymous_id")}</dt>
              <dd class="mono">{orDash(order.anonymous_id)}</dd>
              <dt>{t("order.event_id")}</dt>
              <dd class="mono">{order.event_id}</dd>
            </dl>
          </div>
        </div>
      </Layout>,
    );
  });
  return app;
}
