/** `/users` (search, tier filter) and `/users/:id` (profile, orders, reviews, activity). */
import { Hono } from "hono";
import { uiOf } from "../components/ui.ts";
import { idParam, type PageDeps, pagerOf, renderPage } from "./deps.ts";
import { pageWindow, parsePage, parseText } from "../core/params.ts";
import { NotFoundError } from "../core/errors.ts";
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
    const { t, fmt } = uiOf(c);
    const { count: formatCount, money: formatMoney, time: formatTime } = fmt;
    const page = parsePage(c.req.query("page"));
    const q = parseText("q", c.req.query("q"));
    const tier = parseText("tier", c.req.query("tier"), { maxLength: 40 });
    const [{ rows, total }, tiers] = await Promise.all([
      withPostgres(
        deps.stores,
        (sql) => listUsers(sql, { q, tier }, pageWindow(page, deps.pageSize)),
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
      <Layout title={t("users.title")} active="/users">
        <PageHead title={t("users.title")} sub={t("users.sub", { count: formatCount(total) })} />
        <div class="panel">
          <FilterForm action="/users" submit={t("users.search")}>
            <label>
              {t("users.search")}
              <input type="search" name="q" value={q ?? ""} placeholder="user id, email or name" />
            </label>
            <SelectFilter
              label={t("users.tier")}
              name="tier"
              any={t("common.any")}
              options={tiers}
              value={tier}
            />
          </FilterForm>
          <DataTable
            id="users"
            columns={[
              { label: t("users.col.customer") },
              { label: t("users.col.email") },
              { label: t("users.tier") },
              { label: t("users.col.country") },
              { label: t("users.col.signed_up") },
              { label: t("users.col.orders"), num: true },
              { label: t("users.col.ltv"), num: true },
            ]}
            empty={t("users.empty")}
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
          <Pager {...pagerOf(c, "/users", page, deps.pageSize, total)} />
        </div>
      </Layout>,
    );
  });

  app.get("/:id", async (c) => {
    const { t, fmt } = uiOf(c);
    const { count: formatCount, money: formatMoney, time: formatTime } = fmt;
    const id = idParam(c);
    const user = await withPostgres(deps.stores, (sql) => getUser(sql, id));
    if (user === null) throw new NotFoundError(t("users.not_found", { id }));
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
            <div class="label">{t("users.col.orders")}</div>
            <div class="value">{formatCount(user.totals.orders)}</div>
          </div>
          <div class="kpi">
            <div class="label">{t("users.col.ltv")}</div>
            <div class="value">{formatMoney(user.totals.revenue, BASE_CURRENCY)}</div>
          </div>
          <div class="kpi">
            <div class="label">{t("users.reviews")}</div>
            <div class="value">{formatCount(user.reviews.length)}</div>
          </div>
          <div class="kpi">
            <div class="label">{t("users.first_seen")}</div>
            <div class="value" style="font-size:15px">{formatTime(user.first_seen)}</div>
          </div>
        </div>
        <div class="grid two">
          <div class="panel">
            <h2>{t("users.profile")}</h2>
            <dl class="facts" id="profile">
              <dt>{t("users.tier")}</dt>
              <dd>{user.tier}</dd>
              <dt>{t("users.col.country")}</dt>
              <dd>{orDash(user.country_code)}</dd>
              <dt>{t("users.col.signed_up")}</dt>
              <dd>
                {user.signup !== null
                  ? `${formatTime(user.signup.signed_up_at)} via ${
                    user.signup.method ?? "unknown method"
                  } on ${user.signup.platform ?? "unknown platform"}`
                  : formatTime(user.signup_at)}
              </dd>
              <dt>{t("users.updated")}</dt>
              <dd>{formatTime(user.updated_at)}</dd>
              <dt>{t("users.devices")}</dt>
              <dd class="mono">
                {user.anonymous_ids.length === 0 ? "—" : user.anonymous_ids.join(", ")}
              </dd>
            </dl>
          </div>
          <div class="panel">
            <h2>{t("users.traits")}</h2>
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
          <h2>{t("users.col.orders")}</h2>
          <table id="user-orders">
            <thead>
              <tr>
                <th>{t("users.col.order")}</th>
                <th>{t("users.col.placed")}</th>
                <th>{t("users.col.status")}</th>
                <th class="num">Total</th>
                <th>{t("users.col.campaign")}</th>
              </tr>
            </thead>
            <tbody>
              {orders.rows.length === 0 && <EmptyRow columns={5}>{t("users.no_orders")}</EmptyRow>}
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
            <h2>{t("users.reviews")}</h2>
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
          <h2>{t("users.activity")}</h2>
          <table id="timeline">
            <thead>
              <tr>
                <th>{t("users.col.time")}</th>
                <th>{t("users.col.event")}</th>
                <th>{t("users.col.page")}</th>
                <th>{t("users.col.platform")}</th>
                <th>{t("users.col.device")}</th>
                <th>{t("users.col.location")}</th>
              </tr>
            </thead>
            <tbody>
              {timeline.length === 0 && <EmptyRow columns={6}>{t("users.no_activity")}</EmptyRow>}
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
