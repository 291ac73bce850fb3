/**
 * Merging the plans of a batch's events into one plan with a single row per key, so each table
 * takes one multi-row statement (PostgreSQL refuses to upsert the same key twice in one).
 */
import { emptyPlan, type UserRow, type WritePlan } from "./postgres_rows.ts";

function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) < Date.parse(a) ? b : a;
}

function later(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}

function byKey<T>(rows: T[], key: (row: T) => string, merge: (kept: T, next: T) => T): T[] {
  const kept = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    const previous = kept.get(k);
    kept.set(k, previous === undefined ? { ...row } : merge(previous, row));
  }
  return [...kept.values()];
}

const first = <T>(kept: T) => kept;

function byTraitTime(users: readonly UserRow[]): UserRow[] {
  // Stable: rows without traits keep their batch order ahead of the identifies, ties keep it too.
  const time = (r: UserRow) => (r.traits_at === null ? -Infinity : Date.parse(r.traits_at));
  return [...users].sort((a, b) => time(a) - time(b));
}

/** Merges event plans into one plan for the batch: batch order, users' traits by event time. */
export function mergePlans(plans: readonly WritePlan[]): WritePlan {
  const all = emptyPlan();
  for (const plan of plans) {
    for (const table of Object.keys(all) as (keyof WritePlan)[]) {
      (all[table] as unknown[]).push(...plan[table]);
    }
  }
  const orders = byKey(all.orders, (r) => r.order_id, first);
  const orderOwner = new Map(orders.map((o) => [o.order_id, o.event_id]));
  return {
    users: byKey(byTraitTime(all.users), (r) => r.user_id, (a, b) => ({
      user_id: a.user_id,
      // Sorted by event time, so the newer identify's values win whatever the arrival order.
      traits: { ...a.traits, ...b.traits },
      traits_at: b.traits_at ?? a.traits_at,
      tier: b.tier ?? a.tier,
      signup_at: earlier(a.signup_at, b.signup_at),
      country_code: "country_code" in b.traits ? b.country_code : a.country_code ?? b.country_code,
      first_seen: earlier(a.first_seen, b.first_seen)!,
      changed: a.changed || b.changed,
    })),
    identities: byKey(
      all.identities,
      (r) => r.anonymous_id,
      (a, b) =>
        later(a.linked_at, b.linked_at) === b.linked_at && b.linked_at !== a.linked_at ? b : a,
    ),
    products: byKey(all.products, (r) => r.product_id, (a, b) => ({
      product_id: a.product_id,
      name: a.name ?? b.name,
      category: a.category ?? b.category,
      price: a.price ?? b.price,
    })),
    sessions: byKey(all.sessions, (r) => r.session_id, (a, b) => ({
      session_id: a.session_id,
      user_id: b.user_id ?? a.user_id,
      anonymous_id: a.anonymous_id ?? b.anonymous_id,
      platform: a.platform ?? b.platform,
      started_at: earlier(a.started_at, b.started_at)!,
      last_seen_at: later(a.last_seen_at, b.last_seen_at),
    })),
    orders,
    // Lines of a second event reusing an order id would mix two baskets; the first one owns it.
    orderItems: plans.flatMap((plan) =>
      plan.orderItems.filter((item) =>
        plan.orders.some((o) =>
          o.order_id === item.order_id && orderOwner.get(o.order_id) === o.event_id
        )
      )
    ),
    signups: byKey(all.signups, (r) => r.user_id, first),
    reviews: byKey(all.reviews, (r) => r.event_id, first),
    businessEvents: byKey(all.businessEvents, (r) => r.event_id, first),
    refunds: byKey(all.refunds, (r) => r.event_id, first),
  };
}
