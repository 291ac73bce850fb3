/** `/products` (sales, views → purchase conversion, reviews) and `/products/:id`. */
import { Hono } from "hono";
import { type Ui, uiOf } from "../components/ui.ts";
import { idParam, type PageDeps, pagerOf, renderPage } from "./deps.ts";
import { pageWindow, parsePage } from "../core/params.ts";
import { NotFoundError } from "../core/errors.ts";
import { resolvePeriod } from "../core/period.ts";
import { BASE_CURRENCY, withClickHouse, withPostgres } from "../adapters/stores.ts";
import { getProduct, listProducts, listReviews, type ReviewRow } from "../adapters/pg_catalog.ts";
import { productViews } from "../adapters/ch_traffic.ts";
import { Layout, PageHead } from "../components/layout.tsx";
import { EmptyRow, orDash, Pager, PeriodTabs, Stars } from "../components/widgets.tsx";

function ReviewsTable(props: { reviews: ReviewRow[]; showProduct: boolean; ui: Ui }) {
  const { t } = props.ui;
  const formatTime = props.ui.fmt.time;
  return (
    <table id="reviews">
      <thead>
        <tr>
          <th>{t("products.col.rating")}</th>
          {props.showProduct && <th>{t("products.col.product")}</th>}
          <th>{t("products.col.review")}</th>
          <th>{t("products.col.customer")}</th>
          <th>{t("products.col.date")}</th>
        </tr>
      </thead>
      <tbody>
        {props.reviews.length === 0 && (
          <EmptyRow columns={props.showProduct ? 5 : 4}>{t("products.no_reviews")}</EmptyRow>
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
    const { t, fmt } = uiOf(c);
    const { count: formatCount, money: formatMoney, percent: formatPercent } = fmt;
    const period = resolvePeriod(c.req.query("period") ?? "30d", deps.now());
    const page = parsePage(c.req.query("page"));
    const [{ rows, total }, reviews] = await Promise.all([
      withPostgres(
        deps.stores,
        (sql) => listProducts(sql, period, pageWindow(page, deps.pageSize)),
      ),
      withPostgres(deps.stores, (sql) => listReviews(sql, { limit: 10 })),
    ]);
    const views = await withClickHouse(
      deps.stores,
      (ch) => productViews(ch, period, rows.map((r) => r.product_id)),
    );
    return renderPage(
      c,
      <Layout title={t("products.title")} active="/products">
        <PageHead
          title={t("products.title")}
          sub={t("products.sub", { period: t(`period.${period.key}`), count: formatCount(total) })}
        >
          <PeriodTabs path="/products" active={period.key} ui={uiOf(c)} />
        </PageHead>
        <div class="panel">
          <table id="products">
            <thead>
              <tr>
                <th>{t("products.col.product")}</th>
                <th>{t("products.col.category")}</th>
                <th class="num">{t("products.col.price")}</th>
                <th class="num">{t("products.col.views")}</th>
                <th class="num">{t("products.col.orders")}</th>
                <th class="num">{t("products.col.conversion")}</th>
                <th class="num">{t("products.col.units")}</th>
                <th class="num">{t("products.col.revenue")}</th>
                <th>{t("products.col.rating")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && <EmptyRow columns={9}>{t("products.empty")}</EmptyRow>}
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
          <Pager {...pagerOf(c, "/products", page, deps.pageSize, total)} />
          <p class="muted">
            {t("products.note")}
          </p>
        </div>
        <div class="panel">
          <h2>{t("products.latest_reviews")}</h2>
          <ReviewsTable reviews={reviews} showProduct ui={uiOf(c)} />
        </div>
      </Layout>,
    );
  });

  app.get("/:id", async (c) => {
    const { t, fmt } = uiOf(c);
    const { count: formatCount, money: formatMoney, percent: formatPercent } = fmt;
    const id = idParam(c);
    const period = resolvePeriod(c.req.query("period") ?? "30d", deps.now());
    const product = await withPostgres(deps.stores, (sql) => getProduct(sql, id, period));
    if (product === null) throw new NotFoundError(t("products.not_found", { id }));
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
            <div class="label">{t("products.col.views")}</div>
            <div class="value">{formatCount(traffic.views)}</div>
            <div class="hint">{t("products.viewers", { count: formatCount(traffic.viewers) })}</div>
          </div>
          <div class="kpi">
            <div class="label">{t("products.col.orders")}</div>
            <div class="value">{formatCount(product.orders)}</div>
          </div>
          <div class="kpi">
            <div class="label">{t("products.col.conversion")}</div>
            <div class="value">{formatPercent(product.orders, traffic.views)}</div>
          </div>
          <div class="kpi">
            <div class="label">{t("products.units_sold")}</div>
            <div class="value">{formatCount(product.units)}</div>
          </div>
          <div class="kpi">
            <div class="label">{t("products.col.revenue")}</div>
            <div class="value">{formatMoney(product.revenue, BASE_CURRENCY)}</div>
          </div>
          <div class="kpi">
            <div class="label">{t("products.col.rating")}</div>
            <div class="value">{product.rating !== null ? product.rating.toFixed(1) : "—"}</div>
            <div class="hint">
              {t("products.reviews_count", { count: formatCount(product.reviews) })}
            </div>
          </div>
        </div>
        <div class="panel">
          <h2>{t("products.details")}</h2>
          <dl class="facts">
            <dt>{t("products.col.category")}</dt>
            <dd>{orDash(product.category)}</dd>
            <dt>{t("products.col.price")}</dt>
            <dd>{formatMoney(product.price, product.currency)}</dd>
          </dl>
        </div>
        <div class="panel">
          <h2>{t("products.reviews")}</h2>
          <ReviewsTable reviews={reviews} showProduct={false} ui={uiOf(c)} />
        </div>
      </Layout>,
    );
  });
  return app;
}
