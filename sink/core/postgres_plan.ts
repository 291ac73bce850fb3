/**
 * EnrichedEvent → the normalized PostgreSQL writes it implies. Pure; per-event problems are
 * `dlq` outcomes naming the field, never exceptions.
 */
import {
  aliasesOf,
  BUSINESS_CRITICAL_EVENTS,
  canonicalEvent,
  type EnrichedEvent,
  isServerSource,
  namesOf,
} from "../../shared/events/mod.ts";
import { dlq, drop, ok, type Outcome } from "../../shared/pipeline.ts";
import {
  emptyPlan,
  type OrderItemRow,
  type ProductRow,
  type UserRow,
  type WritePlan,
} from "./postgres_rows.ts";

/** The business meaning of an event name to the PostgreSQL tables. */
export type EventKind = "purchase" | "signup" | "review" | "refund" | "other";

/** The canonical events that have their own tables; each is business-critical. */
export const EVENT_KINDS: readonly Exclude<EventKind, "other">[] = [
  "purchase",
  "signup",
  "review",
  "refund",
];

/** Event names that refund an order (its `properties.order_id`). */
export const REFUND_EVENTS: readonly string[] = aliasesOf("refund");

/**
 * The `drop` reason of a purchase or refund from a public write key: such events stay analytics
 * (ClickHouse) and never create, change or refund an order.
 */
export const PUBLIC_ORDER_EVENT = "PUBLIC_ORDER_EVENT";

/** Default CRITICAL_EVENTS: every name of a business-critical event of the vocabulary. */
export const DEFAULT_CRITICAL_EVENTS: readonly string[] = namesOf(BUSINESS_CRITICAL_EVENTS);

/** True when the event belongs in PostgreSQL. */
export function isCritical(event: EnrichedEvent, critical: ReadonlySet<string>): boolean {
  return event.type === "identify" || event.type === "alias" || critical.has(event.event);
}

/** What an event name means to the business tables. */
export function eventKind(name: string): EventKind {
  const canonical = canonicalEvent(name);
  return EVENT_KINDS.find((kind) => kind === canonical) ?? "other";
}

function text(value: unknown): string | null {
  if (typeof value === "string" && value.trim() !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

function number(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return null;
}

function knownTraits(traits: Record<string, unknown>): Record<string, unknown> {
  // SDKs send unknown traits as null; merged with `||` a null would erase the stored value
  // (and a null tier/plan would reset the tier to "free"), so only known values are kept.
  return Object.fromEntries(
    Object.entries(traits).filter(([, value]) => value !== null && value !== undefined),
  );
}

/**
 * The time an identify's traits count from: its event time, but never later than the moment
 * ingest received it. Ingest tolerates some clock skew into the future and other producers may
 * write to Kafka directly; a trait clock set ahead would make those traits win over every newer
 * identify until that time.
 */
export function traitTime(event: Pick<EnrichedEvent, "timestamp" | "received_at">): string {
  return Date.parse(event.timestamp) > Date.parse(event.received_at)
    ? event.received_at
    : event.timestamp;
}

function userRow(event: EnrichedEvent, userId: string, changed: boolean): UserRow {
  // A public key is readable by anyone, so its events must not set anyone's traits, tier or
  // country: the row only makes sure the user exists (and a public signup's signup time).
  const trusted = isServerSource(event);
  const traits = trusted && (event.type === "identify" || changed) ? knownTraits(event.traits) : {};
  return {
    user_id: userId,
    traits,
    // No known traits say nothing about the profile, so they must not advance its clock.
    traits_at: Object.keys(traits).length > 0 ? traitTime(event) : null,
    tier: text(traits.tier) ?? text(traits.plan),
    signup_at: null,
    country_code: trusted ? text(traits.country_code) ?? event.geo.country_code : null,
    first_seen: event.timestamp,
    changed,
  };
}

function parseItems(
  event: EnrichedEvent,
  orderId: string,
): { items: OrderItemRow[]; products: ProductRow[] } | string {
  const raw = event.properties.items ?? event.properties.products;
  if (raw === undefined || raw === null) return { items: [], products: [] };
  if (!Array.isArray(raw)) return `field "properties.items" must be an array, got ${typeof raw}`;
  const items: OrderItemRow[] = [];
  const products: ProductRow[] = [];
  for (const [index, entry] of raw.entries()) {
    if (typeof entry !== "object" || entry === null) {
      return `field "properties.items.${index}" must be an object`;
    }
    const item = entry as Record<string, unknown>;
    const productId = text(item.product_id) ?? text(item.sku) ?? text(item.id);
    if (productId === null) return `field "properties.items.${index}.product_id" is missing`;
    const quantity = item.quantity === undefined ? 1 : number(item.quantity);
    if (quantity === null || !Number.isInteger(quantity)) {
      return `field "properties.items.${index}.quantity" must be an integer, got ${
        JSON.stringify(item.quantity)
      }`;
    }
    const price = number(item.price ?? item.unit_price);
    if (price === null) {
      return `field "properties.items.${index}.price" must be a number, got ${
        JSON.stringify(item.price ?? item.unit_price)
      }`;
    }
    items.push({
      order_id: orderId,
      line_no: index + 1,
      product_id: productId,
      quantity,
      unit_price: price,
    });
    products.push({
      product_id: productId,
      name: text(item.name),
      category: text(item.category),
      price: null,
    });
  }
  return { items, products };
}

function planPurchase(event: EnrichedEvent, plan: WritePlan): string | null {
  const orderId = text(event.properties.order_id) ?? event.event_id;
  const parsed = parseItems(event, orderId);
  if (typeof parsed === "string") return parsed;
  const p = event.properties;
  const fromItems = parsed.items.reduce((sum, i) => sum + i.quantity * i.unit_price, 0);
  const total = event.revenue?.amount ?? number(p.total) ?? number(p.revenue) ??
    number(p.value) ?? fromItems;
  plan.orders.push({
    order_id: orderId,
    event_id: event.event_id,
    user_id: event.user_id,
    anonymous_id: event.anonymous_id,
    session_id: event.session_id,
    total,
    currency: (event.revenue?.currency ?? text(p.currency) ?? "USD").toUpperCase(),
    total_base: event.revenue?.amount_base ?? null,
    base_currency: event.revenue?.base_currency ?? "USD",
    campaign: event.marketing.utm_campaign ?? event.marketing.campaigns[0] ?? null,
    channel: event.marketing.channel,
    city: event.geo.city,
    country_code: event.geo.country_code,
    created_at: event.timestamp,
  });
  plan.orderItems.push(...parsed.items);
  plan.products.push(...parsed.products);
  return null;
}

function planReview(event: EnrichedEvent, plan: WritePlan): string | null {
  const p = event.properties;
  const productId = text(p.product_id) ?? event.product.product_id;
  if (productId === null) return `field "properties.product_id" is missing`;
  const rating = number(p.rating ?? p.stars);
  if (rating === null || !Number.isInteger(rating)) {
    return `field "properties.rating" must be an integer, got ${JSON.stringify(p.rating)}`;
  }
  plan.products.push({ product_id: productId, name: null, category: null, price: null });
  plan.reviews.push({
    event_id: event.event_id,
    user_id: event.user_id,
    product_id: productId,
    rating,
    body: text(p.body) ?? text(p.text) ?? text(p.review_body) ?? text(p.comment),
    created_at: event.timestamp,
  });
  return null;
}

/**
 * The writes one critical event implies, a dead-letter outcome naming the bad field, or a drop
 * ({@link PUBLIC_ORDER_EVENT}) for a purchase or refund from a public write key.
 */
export function planEvent(event: EnrichedEvent): Outcome<WritePlan> {
  const plan = emptyPlan();
  const kind = eventKind(event.event);
  if ((kind === "purchase" || kind === "refund") && !isServerSource(event)) {
    return drop(PUBLIC_ORDER_EVENT);
  }
  const userId = event.user_id;
  const profileChange = event.type === "identify" || event.type === "alias" || kind === "signup";
  if (userId !== null) plan.users.push(userRow(event, userId, profileChange));
  if (event.type === "alias") {
    if (userId === null || event.previous_id === null) {
      return dlq("INVALID_ALIAS", `Alias event "${event.event_id}" needs user_id and previous_id`);
    }
    plan.identities.push({
      anonymous_id: event.previous_id,
      user_id: userId,
      linked_at: event.timestamp,
    });
  }
  if (userId !== null && event.anonymous_id !== null && event.type !== "alias") {
    // Any critical event carrying both ids proves the link (identify, signup, purchase…).
    plan.identities.push({
      anonymous_id: event.anonymous_id,
      user_id: userId,
      linked_at: event.timestamp,
    });
  }
  plan.sessions.push({
    session_id: event.session_id,
    user_id: userId,
    anonymous_id: event.anonymous_id,
    platform: event.platform,
    started_at: event.timestamp,
    last_seen_at: event.timestamp,
  });
  let problem: string | null = null;
  if (kind === "purchase") problem = planPurchase(event, plan);
  else if (kind === "review") problem = planReview(event, plan);
  else if (kind === "signup") {
    if (userId === null) problem = `field "user_id" is missing: a signup needs the new user's id`;
    else {
      plan.users[0]!.signup_at = event.timestamp;
      plan.signups.push({
        user_id: userId,
        event_id: event.event_id,
        method: text(event.properties.method) ?? text(event.properties.signup_method),
        platform: event.platform,
        source_id: event.source_id,
        signed_up_at: event.timestamp,
      });
    }
  } else if (kind === "refund") {
    const orderId = text(event.properties.order_id);
    if (orderId === null) {
      problem = `field "properties.order_id" is missing: a refund names its order`;
    } else plan.refunds.push({ order_id: orderId, event_id: event.event_id });
  }
  if (problem !== null) {
    return dlq(
      "INVALID_BUSINESS_EVENT",
      `Cannot store ${event.event} "${event.event_id}": ${problem}`,
    );
  }
  plan.businessEvents.push({
    event_id: event.event_id,
    event: event.event,
    user_id: userId,
    anonymous_id: event.anonymous_id,
    session_id: event.session_id,
    occurred_at: event.timestamp,
    properties: event.properties,
    city: event.geo.city,
    country_code: event.geo.country_code,
    platform: event.platform,
  });
  return ok(plan);
}
