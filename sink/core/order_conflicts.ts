/**
 * Order ids claimed by two different orders. An order id belongs to the first event that used
 * it; a later event with the same id is the same order reported again (same buyer, total and
 * currency: an idempotent no-op) or a conflict, which is dead-lettered with
 * {@link ORDER_ID_CONFLICT} instead of being silently dropped.
 */
import type { OrderRow, WritePlan } from "./postgres_rows.ts";

/** Dead-letter reason of an event whose order id already belongs to a different order. */
export const ORDER_ID_CONFLICT = "ORDER_ID_CONFLICT";

/** What identifies an order's content: who bought, for how much. */
export type OrderClaim = Pick<
  OrderRow,
  "order_id" | "event_id" | "user_id" | "anonymous_id" | "total" | "currency"
>;

function buyer(order: OrderClaim): string {
  return order.user_id !== null
    ? `user "${order.user_id}"`
    : order.anonymous_id !== null
    ? `anonymous "${order.anonymous_id}"`
    : "no buyer";
}

function amount(order: OrderClaim): string {
  return `${order.total.toFixed(2)} ${order.currency}`;
}

/**
 * Null when `claim` may share `owner`'s order id (the same event, or the same buyer, total and
 * currency), else the reason it may not, naming both events.
 */
export function orderConflict(owner: OrderClaim, claim: OrderClaim): string | null {
  if (owner.event_id === claim.event_id) return null;
  // numeric(14, 2) in PostgreSQL: compare cents, as stored.
  const sameTotal = Math.round(owner.total * 100) === Math.round(claim.total * 100);
  if (
    buyer(owner) === buyer(claim) && sameTotal &&
    owner.currency.toUpperCase() === claim.currency.toUpperCase()
  ) return null;
  return `Order id "${claim.order_id}" already belongs to event "${owner.event_id}" ` +
    `(${buyer(owner)}, ${amount(owner)}); event "${claim.event_id}" claims it for ` +
    `${buyer(claim)}, ${amount(claim)}`;
}

/**
 * The events of a batch whose order id an earlier event of the batch owns with different
 * content: event id → reason. The first event in batch order owns each id.
 */
export function batchOrderConflicts(plans: readonly WritePlan[]): Map<string, string> {
  const owners = new Map<string, OrderClaim>();
  const conflicts = new Map<string, string>();
  for (const plan of plans) {
    for (const order of plan.orders) {
      const owner = owners.get(order.order_id);
      if (owner === undefined) owners.set(order.order_id, order);
      else {
        const conflict = orderConflict(owner, order);
        if (conflict !== null) conflicts.set(order.event_id, conflict);
      }
    }
  }
  return conflicts;
}
