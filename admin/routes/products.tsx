/** `/products` (sales, views → purchase conversion, reviews) and `/products/:id`. */
import { Hono } from "hono";
import { uiOf } from "../components/ui.ts";
import { keptParams, type PageDeps, renderPage } from "./deps.ts";
import { offsetOf, parsePage, parseText } from "../core/params.ts";
import { NotFoundError } from "../core/errors.ts";
import { resolvePeriod } from "../core/period.ts";
import { formatCount, formatMoney, formatPercent, formatTime } from "../core/format.ts";
import { BASE_CURRENCY, withClickHouse, withPostgres } from "../adapters/stores.ts";
import { getProduct, listProducts, listReviews, type ReviewRow } from "../adapters/pg_catalog.ts";
import { productViews } from "../adapters/ch_traffic.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { EmptyRow, orDash, Pager, PeriodTabs, Stars } from "../components/widgets.tsx";

function ReviewsTable(props: { reviews: ReviewRow[]; showProduct: boolean }) {
  return (
    <table id="reviews">
      <thead>
        <tr>
          <th>Rating</th>
          {props.showProduct && <th>Product</th>}
          <th>Review</th>
          <th>Customer</th>
          <th>Date</th>
        </tr>
      </thead>
      <tbody>
        {props.reviews.length === 0 && (
          <EmptyRow columns={props.showProduct ? 5 : 4}>No reviews yet</EmptyRow>
        )}
        {props.reviews.map((r) => (
          <tr>
            <td>
              <Stars rating={r.rating} />
            </td>
            {props.showProduct && (
              <td>
                <a href={`/products/${encodeURIComponent(r.product_id)}`}>
                  {r.name ?? r.product_id}
                </a>
              </td>
            )}
            <td>{orDash(r.body)}</td>
            <td>
              {r.user_id !== null
                ? <a href={`/users/${encodeURIComponent(r.user_id)}`}>{r.user_id}</a>
                : "—"}
            </td>
            <td class="mono muted">{formatTime(r.created_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The products pages. */
export function productRoutes(deps: PageDeps): Hono {
  const app = new Hono();
  app.get("/", async (c) => {
    const period = resolvePeriod(c.req.query("period") ?? "30d", deps.now());
    const page = parsePage(c.req.query("page"));
    const [{ rows, total }, reviews] = await Promise.all([
      withPostgres(
        deps.stores,
        (sql) =>
          listProducts(sql, period, {
            offset: offsetOf(page, deps.pageSize),
            limit: deps.pageSize,
          }),
      ),
      withPostgres(deps.stores, (sql) => listReviews(sql, { limit: 10 })),
    ]);
    const views = await withClickHouse(
      deps.stores,
      (ch) => productViews(ch, period, rows.map((r) => r.product_id)),
    );
    return renderPage(
      c,
      <Layout title="Products" active="/products">
        <PageHead title="Products" sub={`${period.label} · ${formatCount(total)} products`}>
          <PeriodTabs path="/products" active={period.key} ui={uiOf(c)} />
        </PageHead>
        <div class="panel">
          <table id="products">
            <thead>
              <tr>
                <th>Product</th>
                <th>Category</th>
                <th class="num">List price</th>
                <th class="num">Views</th>
                <th class="num">Orders</th>
                <th class="num">View → purchase</th>
                <th class="num">Units</th>
                <th class="num">Revenue</th>
                <th>Rating</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && <EmptyRow columns={9}>No products yet</EmptyRow>}
              {rows.map((p) => {
                const v = views.get(p.product_id)?.views ?? 0;
                return (
                  <tr>
                    <td>
                      <a
                        href={`/products/${encodeURIComponent(p.product_id)}?period=${period.key}`}
                      >
                        {p.name ?? p.product_id}
                      </a>
                      <div class="muted mono">{p.product_id}</div>
                    </td>
                    <td>{orDash(p.category)}</td>
                    <td class="num">{formatMoney(p.price, p.currency)}</td>
                    <td class="num">{formatCount(v)}</td>
                    <td class="num">{formatCount(p.orders)}</td>
                    <td class="num">{formatPercent(p.orders, v)}</td>
                    <td class="num">{formatCount(p.units)}</td>
                    <td class="num">{formatMoney(p.revenue, BASE_CURRENCY)}</td>
                    <td>
                      {p.rating !== null
                        ? (
                          <span>
                            <Stars rating={p.rating} /> <span class="muted">({p.reviews})</span>
                          </span>
                        )
                        : "—"}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <Pager
            ui={uiOf(c)}
            path="/products"
            page={page}
            size={deps.pageSize}
            total={total}
            params={keptParams(c)}
          />
          <p class="muted">
            View → purchase: orders containing the product (PostgreSQL) per product view event
            (ClickHouse, bots excluded).
          </p>
        </div>
        <div class="panel">
          <h2>Latest reviews</h2>
          <ReviewsTable reviews={reviews} showProduct />
        </div>
      </Layout>,
    );
  });

  app.get("/:id", async (c) => {
    const id = parseText("id", c.req.param("id"), { maxLength: 200 }) ?? "";
    const period = resolvePeriod(c.req.query("period") ?? "30d", deps.now());
    const product = await withPostgres(deps.stores, (sql) => getProduct(sql, id, period));
    if (product === null) throw new NotFoundError(`There is no product with id "${id}".`);
    const [reviews, views] = await Promise.all([
      withPostgres(deps.stores, (sql) => listReviews(sql, { productId: id, limit: 50 })),
      withClickHouse(deps.stores, (ch) => productViews(ch, period, [id])),
    ]);
    const traffic = views.get(id) ?? { views: 0, viewers: 0 };
    return renderPage(
      c,
      <Layout title={product.name ?? product.product_id} active="/products">
        <PageHead
          title={product.name ?? product.product_id}
          sub={<span class="mono">{product.product_id}</span>}
        >
          <PeriodTabs
            path={`/products/${encodeURIComponent(id)}`}
            active={period.key}
            ui={uiOf(c)}
          />
        </PageHead>
        <div class="grid kpis">
          <div class="kpi">
            <div class="label">Views</div>
            <div class="value">{formatCount(traffic.views)}</div>
            <div class="hint">{formatCount(traffic.viewers)} viewers</div>
          </div>
          <div class="kpi">
            <div class="label">Orders</div>
            <div class="value">{formatCount(product.orders)}</div>
          </div>
          <div class="kpi">
            <div class="label">View → purchase</div>
            <div class="value">{formatPercent(product.orders, traffic.views)}</div>
          </div>
          <div class="kpi">
            <div class="label">Units sold</div>
            <div class="value">{formatCount(product.units)}</div>
          </div>
          <div class="kpi">
            <div class="label">Revenue</div>
            <div class="value">{formatMoney(product.revenue, BASE_CURRENCY)}</div>
          </div>
          <div class="kpi">
            <div class="label">Rating</div>
            <div class="value">{product.rating !== null ? product.rating.toFixed(1) : "—"}</div>
            <div class="hint">
              {formatCount(product.reviews)} {product.reviews === 1 ? "review" : "reviews"}
            </div>
          </div>
        </div>
        <div class="panel">
          <h2>Details</h2>
          <dl class="facts">
            <dt>Category</dt>
            <dd>{orDash(product.category)}</dd>
            <dt>List price</dt>
            <dd>{formatMoney(product.price, product.currency)}</dd>
          </dl>
        </div>
        <div class="panel">
          <h2>Reviews</h2>
          <ReviewsTable reviews={reviews} showProduct={false} />
        </div>
      </Layout>,
    );
  });
  return app;
}
