/**
 * Checks, inside the batch's transaction, that every order id the batch could not insert belongs
 * to the same order already stored. `ON CONFLICT DO NOTHING` alone would silently drop a second
 * order reusing an id (a pre-claim, or two systems numbering orders alike).
 */
import type { Sql } from "../../shared/postgres/mod.ts";
import { ORDER_ID_CONFLICT, type OrderClaim, orderConflict } from "../core/order_conflicts.ts";
import type { OrderRow } from "../core/postgres_rows.ts";
import { RowsRejectedError } from "../core/rejections.ts";

/**
 * Throws {@link RowsRejectedError} (`ORDER_ID_CONFLICT`) naming each event of `notInserted`
 * whose order id is stored for a different order; returns when all are the same orders again.
 */
export async function checkOrderOwners(tx: Sql, notInserted: readonly OrderRow[]): Promise<void> {
  if (notInserted.length === 0) return;
  // READ COMMITTED: this statement sees the row a concurrent sink committed while our INSERT
  // waited on it, so a race between two sinks is caught here as well.
  const stored = await tx<OrderClaim[]>`
    SELECT order_id, event_id, user_id, anonymous_id, total::float8 AS total, currency
    FROM orders WHERE order_id = ANY(${tx.array(notInserted.map((o) => o.order_id), 25)}::text[])`;
  const byId = new Map(stored.map((o) => [o.order_id, o]));
  const conflicts = new Map<string, string>();
  for (const order of notInserted) {
    const owner = byId.get(order.order_id);
    const conflict = owner === undefined ? null : orderConflict(owner, order);
    if (conflict !== null) conflicts.set(order.event_id, conflict);
  }
  if (conflicts.size > 0) throw new RowsRejectedError(ORDER_ID_CONFLICT, conflicts);
}
