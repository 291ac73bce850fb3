/**
 * Writes a batch's merged plan to PostgreSQL in one transaction, one multi-row statement per
 * table (arrays unnested server-side: one parameter per column, whatever the row count). Every
 * statement is an idempotent upsert, so replaying a batch changes nothing.
 */
import type { Sql } from "../../shared/postgres/mod.ts";
import type { WritePlan } from "../core/postgres_rows.ts";
import { REFUND_EVENTS } from "../core/postgres_plan.ts";
import { checkOrderOwners } from "./postgres_orders.ts";

type Cell = string | number | null;

function col<T>(rows: readonly T[], pick: (row: T) => Cell): (string | null)[] {
  return rows.map((row) => {
    const value = pick(row);
    return value === null ? null : String(value);
  });
}

function sorted<T>(rows: readonly T[], key: (row: T) => string): T[] {
  // One lock order for every writer, so concurrent sinks cannot deadlock on the same keys.
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Writes `plan` atomically; throws the PostgreSQL error (with its SQLSTATE) on failure. */
export async function writePlan(sql: Sql, plan: WritePlan): Promise<void> {
  await sql.begin(async (tx) => {
    const a = (values: (string | null)[]) => tx.array(values, 25);
    const users = sorted(plan.users, (r) => r.user_id);
    if (users.length > 0) {
      const NEWER = tx`(EXCLUDED.traits_updated_at IS NOT NULL AND
        (users.traits_updated_at IS NULL OR EXCLUDED.traits_updated_at > users.traits_updated_at))`;
      // Identifies arrive out of order (offline queues, retries, two partitions): traits, tier
      // and a country trait follow the newer event time; an older identify only fills keys the
      // user lacks. A tie counts as older, so replaying the stored identify changes nothing.
      await tx`
        INSERT INTO users (user_id, traits, traits_updated_at, tier, signup_at, country_code,
                           first_seen)
        SELECT user_id, traits::jsonb, traits_at::timestamptz, coalesce(tier, 'free'),
               signup_at::timestamptz, country_code, first_seen::timestamptz
        FROM unnest(${a(col(users, (r) => r.user_id))}::text[],
                    ${a(col(users, (r) => JSON.stringify(r.traits)))}::text[],
                    ${a(col(users, (r) => r.traits_at))}::text[],
                    ${a(col(users, (r) => r.tier))}::text[],
                    ${a(col(users, (r) => r.signup_at))}::text[],
                    ${a(col(users, (r) => r.country_code))}::text[],
                    ${a(col(users, (r) => r.first_seen))}::text[])
             AS u(user_id, traits, traits_at, tier, signup_at, country_code, first_seen)
        ON CONFLICT (user_id) DO UPDATE SET
          traits = CASE WHEN ${NEWER} THEN users.traits || EXCLUDED.traits
                        ELSE EXCLUDED.traits || users.traits END,
          traits_updated_at = GREATEST(users.traits_updated_at, EXCLUDED.traits_updated_at),
          tier = CASE WHEN (EXCLUDED.traits ? 'tier' OR EXCLUDED.traits ? 'plan')
                       AND (${NEWER} OR NOT (users.traits ? 'tier' OR users.traits ? 'plan'))
                      THEN EXCLUDED.tier ELSE users.tier END,
          signup_at = LEAST(users.signup_at, EXCLUDED.signup_at),
          country_code = CASE WHEN EXCLUDED.traits ? 'country_code'
                               AND (${NEWER} OR NOT users.traits ? 'country_code')
                              THEN EXCLUDED.country_code
                              ELSE COALESCE(users.country_code, EXCLUDED.country_code) END,
          first_seen = LEAST(users.first_seen, EXCLUDED.first_seen),
          updated_at = now()`;
    }
    const products = sorted(plan.products, (r) => r.product_id);
    if (products.length > 0) {
      await tx`
        INSERT INTO products (product_id, name, category, price)
        SELECT product_id, name, category, price::numeric
        FROM unnest(${a(col(products, (r) => r.product_id))}::text[],
                    ${a(col(products, (r) => r.name))}::text[],
                    ${a(col(products, (r) => r.category))}::text[],
                    ${a(col(products, (r) => r.price))}::text[])
             AS p(product_id, name, category, price)
        ON CONFLICT (product_id) DO UPDATE SET
          name = COALESCE(products.name, EXCLUDED.name),
          category = COALESCE(products.category, EXCLUDED.category),
          price = COALESCE(products.price, EXCLUDED.price)
        WHERE products.name IS NULL OR products.category IS NULL OR products.price IS NULL`;
    }
    const sessions = sorted(plan.sessions, (r) => r.session_id);
    if (sessions.length > 0) {
      await tx`
        INSERT INTO sessions (session_id, user_id, anonymous_id, platform, started_at, last_seen_at)
        SELECT session_id, user_id, anonymous_id, platform, started_at::timestamptz,
               last_seen_at::timestamptz
        FROM unnest(${a(col(sessions, (r) => r.session_id))}::text[],
                    ${a(col(sessions, (r) => r.user_id))}::text[],
                    ${a(col(sessions, (r) => r.anonymous_id))}::text[],
                    ${a(col(sessions, (r) => r.platform))}::text[],
                    ${a(col(sessions, (r) => r.started_at))}::text[],
                    ${a(col(sessions, (r) => r.last_seen_at))}::text[])
             AS s(session_id, user_id, anonymous_id, platform, started_at, last_seen_at)
        ON CONFLICT (session_id) DO UPDATE SET
          user_id = COALESCE(EXCLUDED.user_id, sessions.user_id),
          anonymous_id = COALESCE(sessions.anonymous_id, EXCLUDED.anonymous_id),
          platform = COALESCE(sessions.platform, EXCLUDED.platform),
          started_at = LEAST(sessions.started_at, EXCLUDED.started_at),
          last_seen_at = GREATEST(sessions.last_seen_at, EXCLUDED.last_seen_at)`;
    }
    const identities = sorted(plan.identities, (r) => r.anonymous_id);
    if (identities.length > 0) {
      await tx`
        INSERT INTO identities (anonymous_id, user_id, linked_at)
        SELECT anonymous_id, user_id, linked_at::timestamptz
        FROM unnest(${a(col(identities, (r) => r.anonymous_id))}::text[],
                    ${a(col(identities, (r) => r.user_id))}::text[],
                    ${a(col(identities, (r) => r.linked_at))}::text[])
             AS i(anonymous_id, user_id, linked_at)
        ON CONFLICT (anonymous_id) DO UPDATE SET
          user_id = EXCLUDED.user_id, linked_at = EXCLUDED.linked_at
        WHERE EXCLUDED.linked_at >= identities.linked_at`;
    }
    await writeFacts(tx as unknown as Sql, plan, a);
  });
}

async function writeFacts(
  tx: Sql,
  plan: WritePlan,
  a: (values: (string | null)[]) => ReturnType<Sql["array"]>,
): Promise<void> {
  const orders = sorted(plan.orders, (r) => r.order_id);
  const inserted = new Set<string>();
  if (orders.length > 0) {
    const rows = await tx<{ order_id: string }[]>`
      INSERT INTO orders (order_id, event_id, user_id, anonymous_id, session_id, total, currency,
                          total_base, base_currency, campaign, channel, city, country_code,
                          created_at)
      SELECT order_id, event_id, user_id, anonymous_id, session_id, total::numeric, currency,
             total_base::numeric, base_currency, campaign, channel, city, country_code,
             created_at::timestamptz
      FROM unnest(${a(col(orders, (r) => r.order_id))}::text[],
                  ${a(col(orders, (r) => r.event_id))}::text[],
                  ${a(col(orders, (r) => r.user_id))}::text[],
                  ${a(col(orders, (r) => r.anonymous_id))}::text[],
                  ${a(col(orders, (r) => r.session_id))}::text[],
                  ${a(col(orders, (r) => r.total))}::text[],
                  ${a(col(orders, (r) => r.currency))}::text[],
                  ${a(col(orders, (r) => r.total_base))}::text[],
                  ${a(col(orders, (r) => r.base_currency))}::text[],
                  ${a(col(orders, (r) => r.campaign))}::text[],
                  ${a(col(orders, (r) => r.channel))}::text[],
                  ${a(col(orders, (r) => r.city))}::text[],
                  ${a(col(orders, (r) => r.country_code))}::text[],
                  ${a(col(orders, (r) => r.created_at))}::text[])
           AS o(order_id, event_id, user_id, anonymous_id, session_id, total, currency, total_base,
                base_currency, campaign, channel, city, country_code, created_at)
      ON CONFLICT DO NOTHING
      RETURNING order_id`;
    for (const row of rows) inserted.add(row.order_id);
    await checkOrderOwners(tx, orders.filter((o) => !inserted.has(o.order_id)));
  }
  // Lines only for orders this batch created: a replay or a second report of a stored order must
  // not add lines to it.
  const items = plan.orderItems.filter((item) => inserted.has(item.order_id));
  if (items.length > 0) {
    await tx`
      INSERT INTO order_items (order_id, line_no, product_id, quantity, unit_price)
      SELECT order_id, line_no::int, product_id, quantity::int, unit_price::numeric
      FROM unnest(${a(col(items, (r) => r.order_id))}::text[],
                  ${a(col(items, (r) => r.line_no))}::text[],
                  ${a(col(items, (r) => r.product_id))}::text[],
                  ${a(col(items, (r) => r.quantity))}::text[],
                  ${a(col(items, (r) => r.unit_price))}::text[])
           AS i(order_id, line_no, product_id, quantity, unit_price)
      ON CONFLICT DO NOTHING`;
  }
  const signups = plan.signups;
  if (signups.length > 0) {
    await tx`
      INSERT INTO signups (user_id, event_id, method, platform, source_id, signed_up_at)
      SELECT user_id, event_id, method, platform, source_id, signed_up_at::timestamptz
      FROM unnest(${a(col(signups, (r) => r.user_id))}::text[],
                  ${a(col(signups, (r) => r.event_id))}::text[],
                  ${a(col(signups, (r) => r.method))}::text[],
                  ${a(col(signups, (r) => r.platform))}::text[],
                  ${a(col(signups, (r) => r.source_id))}::text[],
                  ${a(col(signups, (r) => r.signed_up_at))}::text[])
           AS s(user_id, event_id, method, platform, source_id, signed_up_at)
      ON CONFLICT DO NOTHING`;
  }
  const reviews = plan.reviews;
  if (reviews.length > 0) {
    await tx`
      INSERT INTO reviews (event_id, user_id, product_id, rating, body, created_at)
      SELECT event_id, user_id, product_id, rating::smallint, body, created_at::timestamptz
      FROM unnest(${a(col(reviews, (r) => r.event_id))}::text[],
                  ${a(col(reviews, (r) => r.user_id))}::text[],
                  ${a(col(reviews, (r) => r.product_id))}::text[],
                  ${a(col(reviews, (r) => r.rating))}::text[],
                  ${a(col(reviews, (r) => r.body))}::text[],
                  ${a(col(reviews, (r) => r.created_at))}::text[])
           AS r(event_id, user_id, product_id, rating, body, created_at)
      ON CONFLICT DO NOTHING`;
  }
  const events = plan.businessEvents;
  if (events.length > 0) {
    await tx`
      INSERT INTO business_events (event_id, event, user_id, anonymous_id, session_id,
                                   occurred_at, properties, city, country_code, platform)
      SELECT event_id, event, user_id, anonymous_id, session_id, occurred_at::timestamptz,
             properties::jsonb, city, country_code, platform
      FROM unnest(${a(col(events, (r) => r.event_id))}::text[],
                  ${a(col(events, (r) => r.event))}::text[],
                  ${a(col(events, (r) => r.user_id))}::text[],
                  ${a(col(events, (r) => r.anonymous_id))}::text[],
                  ${a(col(events, (r) => r.session_id))}::text[],
                  ${a(col(events, (r) => r.occurred_at))}::text[],
                  ${a(col(events, (r) => JSON.stringify(r.properties)))}::text[],
                  ${a(col(events, (r) => r.city))}::text[],
                  ${a(col(events, (r) => r.country_code))}::text[],
                  ${a(col(events, (r) => r.platform))}::text[])
           AS e(event_id, event, user_id, anonymous_id, session_id, occurred_at, properties, city,
                country_code, platform)
      ON CONFLICT DO NOTHING`;
  }
  if (plan.refunds.length > 0) {
    await tx`
      UPDATE orders SET status = 'refunded'
      WHERE order_id = ANY(${a(col(plan.refunds, (r) => r.order_id))}::text[])
        AND status <> 'refunded'`;
  }
  if (orders.length > 0) {
    // A refund can overtake its purchase (another source, a retried client): its UPDATE above
    // then found no order, so a new order looks for a refund already recorded for it.
    await tx`
      UPDATE orders o SET status = 'refunded'
      WHERE o.order_id = ANY(${a(col(orders, (r) => r.order_id))}::text[])
        AND o.status <> 'refunded'
        AND EXISTS (SELECT 1 FROM business_events b
                    WHERE b.event = ANY(${a([...REFUND_EVENTS])}::text[])
                      AND b.properties ->> 'order_id' = o.order_id)`;
  }
}
