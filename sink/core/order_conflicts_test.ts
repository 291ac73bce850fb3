import assert from "node:assert/strict";
import { batchOrderConflicts, type OrderClaim, orderConflict } from "./order_conflicts.ts";
import { planEvent } from "./postgres_plan.ts";
import type { WritePlan } from "./postgres_rows.ts";
import { enrichedEvent } from "../testing/events.ts";

const owner: OrderClaim = {
  order_id: "o1",
  event_id: "e1",
  user_id: "u1",
  anonymous_id: "a1",
  total: 19.9,
  currency: "EUR",
};

Deno.test("orderConflict() lets the same event or the same order again share an order id", () => {
  assert.equal(orderConflict(owner, { ...owner }), null, "a redelivered event");
  assert.equal(
    orderConflict(owner, { ...owner, event_id: "e2", total: 19.900000001, currency: "eur" }),
    null,
    "the same order reported by a second event: same buyer, total (in cents) and currency",
  );
});

Deno.test("orderConflict() names both events when another buyer, total or currency claims the id", () => {
  assert.equal(
    orderConflict(owner, { ...owner, event_id: "e2", user_id: "u2", total: 5 }),
    'Order id "o1" already belongs to event "e1" (user "u1", 19.90 EUR); event "e2" claims it ' +
      'for user "u2", 5.00 EUR',
  );
  assert.notEqual(orderConflict(owner, { ...owner, event_id: "e2", total: 20 }), null);
  assert.notEqual(orderConflict(owner, { ...owner, event_id: "e2", currency: "USD" }), null);
  assert.match(
    orderConflict(
      { ...owner, user_id: null },
      { ...owner, event_id: "e2", user_id: null, anonymous_id: "a2" },
    )!,
    /anonymous "a1".*anonymous "a2"/,
  );
});

Deno.test("batchOrderConflicts() lets the first event of a batch own an id and names later claims", () => {
  const purchase = (id: string, user: string, total: number): WritePlan => {
    const outcome = planEvent(enrichedEvent({
      event_id: id,
      event: "purchase",
      user_id: user,
      properties: { order_id: "o1", total, currency: "USD" },
    }));
    if (outcome.kind !== "ok") throw new Error(JSON.stringify(outcome));
    return outcome.value;
  };
  const conflicts = batchOrderConflicts([
    purchase("e1", "u1", 10),
    purchase("e2", "u1", 10),
    purchase("e3", "u2", 10),
    purchase("e1", "u1", 10),
  ]);
  assert.deepEqual([...conflicts.keys()], ["e3"]);
  assert.match(conflicts.get("e3")!, /already belongs to event "e1"/);
});
