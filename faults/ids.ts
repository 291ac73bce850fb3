/**
 * Makes the shop model's events the audit's own: every id an event carries (event, visitor,
 * session, order, product) gets the run's prefix, so that runs never share a row and cleanup by
 * prefix removes everything; and says which rows each event must leave in each store.
 */
import type { ShopEvent } from "../bench/loadgen/model/mod.ts";

/** Keys in `event_data` (and in each of its `items`) that name a stored entity. */
const ID_FIELDS = ["product_id", "order_id", "cart_id", "review_id"] as const;

function prefixIds(data: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  for (const field of ID_FIELDS) {
    if (typeof out[field] === "string") out[field] = prefix + out[field];
  }
  if (Array.isArray(out.items)) {
    out.items = out.items.map((item) =>
      typeof item === "object" && item !== null
        ? prefixIds(item as Record<string, unknown>, prefix)
        : item
    );
  }
  return out;
}

/** `event` with every id prefixed by `prefix` (the model's ids repeat for the same seed). */
export function isolateEvent(event: ShopEvent, prefix: string): ShopEvent {
  return {
    ...event,
    event_id: prefix + event.event_id,
    user_id: event.user_id === null ? null : prefix + event.user_id,
    anonymous_id: prefix + event.anonymous_id,
    session_id: prefix + event.session_id,
    event_data: prefixIds(event.event_data, prefix),
  };
}

/** The audited tables: ClickHouse `events` and PostgreSQL's business tables. */
export const AUDITED_TABLES = ["clickhouse", "orders", "order_items", "signups"] as const;
/** One audited table. */
export type AuditedTable = typeof AUDITED_TABLES[number];

/** The rows, by key, that one event must leave in each audited table. */
export type ExpectedRows = Record<AuditedTable, string[]>;

/**
 * What `event` (isolated) must leave in the stores: its `event_id` in ClickHouse; a purchase its
 * order (by event id) and one `order_id#line` per item; a signup its signup row (by event id).
 * Only purchases and signups are audited in PostgreSQL: their tables have one row per event.
 */
export function expectedRows(event: ShopEvent): ExpectedRows {
  const rows: ExpectedRows = {
    clickhouse: [event.event_id],
    orders: [],
    order_items: [],
    signups: [],
  };
  if (event.event_type === "purchase") {
    rows.orders.push(event.event_id);
    const orderId = typeof event.event_data.order_id === "string"
      ? event.event_data.order_id
      : event.event_id;
    const items = Array.isArray(event.event_data.items) ? event.event_data.items : [];
    items.forEach((_, i) => rows.order_items.push(`${orderId}#${i + 1}`));
  }
  if (event.event_type === "signup") rows.signups.push(event.event_id);
  return rows;
}
