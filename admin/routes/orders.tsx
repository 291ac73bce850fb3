/** `/orders` (filterable, paginated list) and `/orders/:id` (lines, customer, attribution). */
import { Hono } from "hono";
import { keptParams, type PageDeps, renderPage } from "./deps.ts";
import { offsetOf, parseDate, parsePage, parseText } from "../core/params.ts";
import { InputError, NotFoundError } from "../core/errors.ts";
import { formatCount, formatMoney, formatTime } from "../core/format.ts";
import { BASE_CURRENCY, withPostgres } from "../adapters/stores.ts";
import { getOrder, listOrders, orderStatuses } from "../adapters/pg_orders.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { DataTable } from "../components/table.tsx";
import { FilterForm, SelectFilter } from "../components/filters.tsx";
import { Badge, EmptyRow, orDash, Pager } from "../components/widgets.tsx";

const DAY = 86_400_000;

/** The orders pages. */
export function orderRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const page = parsePage(c.req.query("page"));
    const q = parseText("q", c.req.query("q"));
    const status = parseText("status", c.req.query("status"), { maxLength: 40 });
    const from = parseDate("from", c.req.query("from"));
    const toDay = parseDate("to", c.req.query("to"));
    if (from !== undefined && toDay !== undefined && toDay < from) {
      throw new InputError(
        "to",
        `Parameter "to" (${c.req.query("to")}) must not be before "from" (${c.req.query("from")})`,
      );
    }
    const to = toDay === undefined ? undefined : new Date(toDay.getTime() + DAY);
    const [{ rows, total }, statuses] = await Promise.all([
      withPostgres(
        deps.stores,
        (sql) =>
          listOrders(sql, { q, status, from, to }, {
            offset: offsetOf(page, deps.pageSize),
            limit: deps.pageSize,
          }),
      ),
      withPostgres(deps.stores, orderStatuses),
    ]);
    if (rows.length === 0 && page > 1) {
      const pages = Math.max(1, Math.ceil(total / deps.pageSize));
      throw new NotFoundError(
        `Page ${page} of the orders does not exist: there ${
          pages === 1 ? "is 1 page" : `are ${pages} pages`
        }.`,
      );
    }
    return renderPage(
      c,
      <Layout title="Orders" active="/orders">
        <PageHead title="Orders" sub={`${formatCount(total)} matching orders`} />
        <div class="panel">
          <FilterForm action="/orders" submit="Filter">
            <label>
              Order or customer id
              <input type="search" name="q" value={q ?? ""} placeholder="ord_… or user id" />
            </label>
            <SelectFilter
              label="Status"
              name="status"
              any="Any"
              options={statuses}
              value={status}
            />
            <label>
              From
              <input type="date" name="from" value={c.req.query("from") ?? ""} />
            </label>
            <label>
              To
              <input type="date" name="to" value={c.req.query("to") ?? ""} />
            </label>
          </FilterForm>
          <DataTable
            id="orders"
            columns={[
              { label: "Order" },
              { label: "Placed" },
              { label: "Customer" },
              { label: "Status" },
              { label: "Items", num: true },
              { label: "Total", num: true },
              { label: `Revenue (${BASE_CURRENCY})`, num: true },
              { label: "Channel" },
              { label: "City" },
            ]}
            empty="No orders match these filters"
            rows={rows.map((o) => (
              <tr>
                <td class="mono">
                  <a href={`/orders/${encodeURIComponent(o.order_id)}`}>{o.order_id}</a>
                </td>
                <td class="mono">{formatTime(o.created_at)}</td>
                <td>
                  {o.user_id !== null
                    ? <a href={`/users/${encodeURIComponent(o.user_id)}`}>{o.user_id}</a>
                    : <span class="muted">guest</span>}
                </td>
                <td>
                  <Badge text={o.status} />
                </td>
                <td class="num">{formatCount(o.items)}</td>
                <td class="num">{formatMoney(o.total, o.currency)}</td>
                <td class="num">{formatMoney(o.revenue_base, o.base_currency)}</td>
                <td>{orDash(o.channel)}</td>
                <td>{orDash(o.city)}</td>
              </tr>
            ))}
          />
          <Pager
            path="/orders"
            page={page}
            size={deps.pageSize}
            total={total}
            params={keptParams(c)}
          />
        </div>
      </Layout>,
    );
  });

  app.get("/:id", async (c) => {
    const id = parseText("id", c.req.param("id"), { maxLength: 200 }) ?? "";
    const order = await withPostgres(deps.stores, (sql) => getOrder(sql, id));
    if (order === null) throw new NotFoundError(`There is no order with id "${id}".`);
    return renderPage(
      c,
      <Layout title={`Order ${order.order_id}`} active="/orders">
        <PageHead title={`Order ${order.order_id}`} sub={formatTime(order.created_at)}>
          <Badge text={order.status} />
        </PageHead>
        <div class="grid two">
          <div class="panel">
            <h2>Items</h2>
            <table id="order-items">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Product</th>
                  <th>Category</th>
                  <th class="num">Qty</th>
                  <th class="num">Unit price</th>
                  <th class="num">Line total</th>
                </tr>
              </thead>
              <tbody>
                {order.lines.length === 0 && (
                  <EmptyRow columns={6}>The order event listed no items</EmptyRow>
                )}
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
                    <td class="num">{formatCount(line.quantity)}</td>
                    <td class="num">{formatMoney(line.unit_price, order.currency)}</td>
                    <td class="num">
                      {formatMoney(line.quantity * line.unit_price, order.currency)}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td colspan={5}>
                    <strong>Order total</strong>
                  </td>
                  <td class="num">
                    <strong>{formatMoney(order.total, order.currency)}</strong>
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
          <div class="panel">
            <h2>Details</h2>
            <dl class="facts" id="order-facts">
              <dt>Customer</dt>
              <dd>
                {order.user_id !== null
                  ? <a href={`/users/${encodeURIComponent(order.user_id)}`}>{order.user_id}</a>
                  : <span class="muted">guest</span>}
                {order.user_tier !== null && (
                  <span>
                    <span class="badge">{order.user_tier}</span>
                  </span>
                )}
              </dd>
              <dt>Revenue ({order.base_currency})</dt>
              <dd>{formatMoney(order.revenue_base, order.base_currency)}</dd>
              <dt>Campaign</dt>
              <dd>{order.campaign !== null ? <a href="/campaigns">{order.campaign}</a> : "—"}</dd>
              <dt>Channel</dt>
              <dd>{orDash(order.channel)}</dd>
              <dt>City</dt>
              <dd>{[order.city, order.country_code].filter((v) => v).join(", ") || "—"}</dd>
              <dt>Session</dt>
              <dd class="mono">{orDash(order.session_id)}</dd>
              <dt>Anonymous id</dt>
              <dd class="mono">{orDash(order.anonymous_id)}</dd>
              <dt>Event id</dt>
              <dd class="mono">{order.event_id}</dd>
            </dl>
          </div>
        </div>
      </Layout>,
    );
  });
  return app;
}
