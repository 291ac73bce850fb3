/** `/users` (search, tier filter) and `/users/:id` (profile, orders, reviews, activity). */
import { Hono } from "hono";
import { uiOf } from "../components/ui.ts";
import { keptParams, type PageDeps, renderPage } from "./deps.ts";
import { offsetOf, parsePage, parseText } from "../core/params.ts";
import { NotFoundError } from "../core/errors.ts";
import { formatCount, formatMoney, formatTime } from "../core/format.ts";
import { BASE_CURRENCY, withClickHouse, withPostgres } from "../adapters/stores.ts";
import { getUser, listUsers, userTiers } from "../adapters/pg_users.ts";
import { listOrders } from "../adapters/pg_orders.ts";
import { userTimeline } from "../adapters/ch_traffic.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { DataTable } from "../components/table.tsx";
import { FilterForm, SelectFilter } from "../components/filters.tsx";
import { Badge, EmptyRow, orDash, Pager, Stars } from "../components/widgets.tsx";

/** The customers pages. */
export function userRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const page = parsePage(c.req.query("page"));
    const q = parseText("q", c.req.query("q"));
    const tier = parseText("tier", c.req.query("tier"), { maxLength: 40 });
    const [{ rows, total }, tiers] = await Promise.all([
      withPostgres(
        deps.stores,
        (sql) =>
          listUsers(sql, { q, tier }, {
            offset: offsetOf(page, deps.pageSize),
            limit: deps.pageSize,
          }),
      ),
      withPostgres(deps.stores, userTiers),
    ]);
    if (rows.length === 0 && page > 1) {
      throw new NotFoundError(
        `Page ${page} of the customers does not exist: there are ${
          Math.ceil(total / deps.pageSize)
        } pages.`,
      );
    }
    return renderPage(
      c,
      <Layout title="Customers" active="/users">
        <PageHead title="Customers" sub={`${formatCount(total)} matching customers`} />
        <div class="panel">
          <FilterForm action="/users" submit="Search">
            <label>
              Search
              <input type="search" name="q" value={q ?? ""} placeholder="user id, email or name" />
            </label>
            <SelectFilter label="Tier" name="tier" any="Any" options={tiers} value={tier} />
          </FilterForm>
          <DataTable
            id="users"
            columns={[
              { label: "Customer" },
              { label: "Email" },
              { label: "Tier" },
              { label: "Country" },
              { label: "Signed up" },
              { label: "Orders", num: true },
              { label: "Lifetime revenue", num: true },
            ]}
            empty="No customers match"
            rows={rows.map((u) => (
              <tr>
                <td>
                  <a href={`/users/${encodeURIComponent(u.user_id)}`}>{u.name ?? u.user_id}</a>
                  {u.name !== null && <div class="muted mono">{u.user_id}</div>}
                </td>
                <td>{orDash(u.email)}</td>
                <td>
                  <span class="badge">{u.tier}</span>
                </td>
                <td>{orDash(u.country_code)}</td>
                <td class="mono">{formatTime(u.signup_at)}</td>
                <td class="num">{formatCount(u.orders)}</td>
                <td class="num">{formatMoney(u.revenue, BASE_CURRENCY)}</td>
              </tr>
            ))}
          />
          <Pager
            ui={uiOf(c)}
            path="/users"
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
    const user = await withPostgres(deps.stores, (sql) => getUser(sql, id));
    if (user === null) throw new NotFoundError(`There is no customer with id "${id}".`);
    const [orders, timeline] = await Promise.all([
      withPostgres(deps.stores, (sql) => listOrders(sql, { userId: id }, { offset: 0, limit: 20 })),
      withClickHouse(deps.stores, (ch) => userTimeline(ch, id, { limit: 50 })),
    ]);
    const name = typeof user.traits.name === "string" ? user.traits.name : user.user_id;
    return renderPage(
      c,
      <Layout title={name} active="/users">
        <PageHead title={name} sub={<span class="mono">{user.user_id}</span>}>
          <span class="badge brand">{user.tier}</span>
        </PageHead>
        <div class="grid kpis">
          <div class="kpi">
            <div class="label">Orders</div>
            <div class="value">{formatCount(user.totals.orders)}</div>
          </div>
          <div class="kpi">
            <div class="label">Lifetime revenue</div>
            <div class="value">{formatMoney(user.totals.revenue, BASE_CURRENCY)}</div>
          </div>
          <div class="kpi">
            <div class="label">Reviews</div>
            <div class="value">{formatCount(user.reviews.length)}</div>
          </div>
          <div class="kpi">
            <div class="label">First seen</div>
            <div class="value" style="font-size:15px">{formatTime(user.first_seen)}</div>
          </div>
        </div>
        <div class="grid two">
          <div class="panel">
            <h2>Profile</h2>
            <dl class="facts" id="profile">
              <dt>Tier</dt>
              <dd>{user.tier}</dd>
              <dt>Country</dt>
              <dd>{orDash(user.country_code)}</dd>
              <dt>Signed up</dt>
              <dd>
                {user.signup !== null
                  ? `${formatTime(user.signup.signed_up_at)} via ${
                    user.signup.method ?? "unknown method"
                  } on ${user.signup.platform ?? "unknown platform"}`
                  : formatTime(user.signup_at)}
              </dd>
              <dt>Last updated</dt>
              <dd>{formatTime(user.updated_at)}</dd>
              <dt>Devices (anonymous ids)</dt>
              <dd class="mono">
                {user.anonymous_ids.length === 0 ? "—" : user.anonymous_ids.join(", ")}
              </dd>
            </dl>
          </div>
          <div class="panel">
            <h2>Traits</h2>
            <dl class="facts" id="traits">
              {Object.keys(user.traits).length === 0 && <dd class="muted">No traits recorded</dd>}
              {Object.entries(user.traits).map(([key, value]) => (
                <>
                  <dt>{key}</dt>
                  <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
                </>
              ))}
            </dl>
          </div>
        </div>
        <div class="panel">
          <h2>Orders</h2>
          <table id="user-orders">
            <thead>
              <tr>
                <th>Order</th>
                <th>Placed</th>
                <th>Status</th>
                <th class="num">Total</th>
                <th>Campaign</th>
              </tr>
            </thead>
            <tbody>
              {orders.rows.length === 0 && <EmptyRow columns={5}>No orders yet</EmptyRow>}
              {orders.rows.map((o) => (
                <tr>
                  <td class="mono">
                    <a href={`/orders/${encodeURIComponent(o.order_id)}`}>{o.order_id}</a>
                  </td>
                  <td class="mono">{formatTime(o.created_at)}</td>
                  <td>
                    <Badge text={o.status} />
                  </td>
                  <td class="num">{formatMoney(o.total, o.currency)}</td>
                  <td>{orDash(o.campaign)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {orders.total > orders.rows.length && (
            <p>
              <a href={`/orders?q=${encodeURIComponent(user.user_id)}`}>
                All {formatCount(orders.total)} orders →
              </a>
            </p>
          )}
        </div>
        {user.reviews.length > 0 && (
          <div class="panel">
            <h2>Reviews</h2>
            <table id="user-reviews">
              <tbody>
                {user.reviews.map((r) => (
                  <tr>
                    <td>
                      <Stars rating={r.rating} />
                    </td>
                    <td>
                      <a href={`/products/${encodeURIComponent(r.product_id)}`}>
                        {r.name ?? r.product_id}
                      </a>
                    </td>
                    <td>{orDash(r.body)}</td>
                    <td class="mono muted">{formatTime(r.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div class="panel">
          <h2>Recent activity</h2>
          <table id="timeline">
            <thead>
              <tr>
                <th>Time</th>
                <th>Event</th>
                <th>Page / product</th>
                <th>Platform</th>
                <th>Device</th>
                <th>Location</th>
              </tr>
            </thead>
            <tbody>
              {timeline.length === 0 && (
                <EmptyRow columns={6}>No tracked activity for this customer</EmptyRow>
              )}
              {timeline.map((e) => (
                <tr>
                  <td class="mono">{formatTime(e.timestamp)}</td>
                  <td>
                    <strong>{e.event}</strong>
                  </td>
                  <td>{e.product_name || e.product_id || e.url || "—"}</td>
                  <td>{orDash(e.platform)}</td>
                  <td>{[e.device_browser, e.device_os].filter((v) => v).join(" / ") || "—"}</td>
                  <td>{[e.geo_city, e.geo_country_code].filter((v) => v).join(", ") || "—"}</td>
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
