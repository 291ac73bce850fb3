/**
 * Products: the top products by views, add-to-carts, purchases or revenue, with view → purchase
 * conversion. Views and carts are events naming a product (`product_id`); purchases are the
 * order's item lines (`properties.items` or `.products`: price × quantity), or the event's own
 * product and amount when it lists no items.
 */
import { aliasesOf } from "../../shared/events/vocabulary.ts";
import { rangeJson } from "./active_users.ts";
import type { QuestionContext } from "./exec.ts";
import type { ParamsOf } from "./params.ts";
import { type BuiltQuery, eventIn, eventsSubquery, Params } from "./sql.ts";
import { type Range, resolveRange, round } from "./time.ts";

/** Event names that mean "looked at a product". */
export const PRODUCT_VIEW_NAMES = [...aliasesOf("product_view"), ...aliasesOf("product_click")];

/** Builds the products query. */
export function productsQuery(params: ParamsOf<"products">, range: Range): BuiltQuery {
  const p = new Params();
  const view = eventIn(p, PRODUCT_VIEW_NAMES);
  const cart = eventIn(p, aliasesOf("add_to_cart"));
  const purchase = eventIn(p, aliasesOf("purchase"));
  const touches = eventsSubquery(p, {
    range,
    params,
    columns: `product_id, product_name, product_category, if(${view}, 'view', 'cart') AS kind`,
    extra: [`(${view} OR ${cart})`, "product_id != ''"],
  });
  const orders = eventsSubquery(p, {
    range,
    params,
    columns: `event_id, product_id, revenue_base, properties`,
    extra: [purchase],
  });
  const items = `SELECT event_id, arrayJoin(if(
      length(JSONExtractArrayRaw(properties, 'items')) > 0, JSONExtractArrayRaw(properties, 'items'),
      if(length(JSONExtractArrayRaw(properties, 'products')) > 0,
        JSONExtractArrayRaw(properties, 'products'),
        if(product_id != '', [concat('{"product_id":', toJSONString(product_id), ',"price":',
          toString(ifNull(revenue_base, 0)), '}')], [])))) AS item
    FROM ${orders}`;
  const qty = "if(JSONHas(item, 'quantity'), JSONExtractFloat(item, 'quantity'), 1)";
  const sort =
    { views: "views", add_to_carts: "add_to_carts", purchases: "purchases", revenue: "revenue" }[
      params.sort
    ];
  const sql = `SELECT product_id, anyIf(name, name != '') AS name,
  anyIf(category, category != '') AS category,
  countIf(kind = 'view') AS views, countIf(kind = 'cart') AS add_to_carts,
  uniqExactIf(order_id, kind = 'purchase') AS purchases, sumIf(qty, kind = 'purchase') AS units,
  sumIf(amount, kind = 'purchase') AS revenue
FROM (
  SELECT product_id, product_name AS name, product_category AS category, kind,
    '' AS order_id, toFloat64(0) AS qty, toFloat64(0) AS amount
  FROM ${touches}
  UNION ALL
  SELECT JSONExtractString(item, 'product_id') AS product_id, JSONExtractString(item, 'name') AS name,
    JSONExtractString(item, 'category') AS category, 'purchase' AS kind, event_id AS order_id,
    ${qty} AS qty, JSONExtractFloat(item, 'price') * ${qty} AS amount
  FROM (${items})
  WHERE JSONExtractString(item, 'product_id') != ''
)
GROUP BY product_id
ORDER BY ${sort} DESC, product_id
LIMIT ${p.bind(Number(params.limit), "UInt32")}`;
  return { sql, params: p.values };
}

/** Runs the products question. */
export async function products(params: ParamsOf<"products">, ctx: QuestionContext) {
  const range = resolveRange(params, ctx.now);
  const rows = await ctx.exec<Record<string, string | number>>(productsQuery(params, range));
  return {
    range: rangeJson(range, params.tz),
    currency: ctx.baseCurrency,
    sort: params.sort,
    products: rows.map((r) => {
      const views = Number(r.views);
      const purchases = Number(r.purchases);
      return {
        product_id: String(r.product_id),
        name: String(r.name ?? ""),
        category: String(r.category ?? ""),
        views,
        add_to_carts: Number(r.add_to_carts),
        purchases,
        units: Number(r.units),
        revenue: round(Number(r.revenue), 2),
        view_to_purchase: views === 0 ? null : round(purchases / views),
      };
    }),
  };
}
