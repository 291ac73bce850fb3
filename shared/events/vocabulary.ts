/**
 * The event vocabulary: the canonical event names EventFlow gives a meaning to, the other names
 * tracking plans use for them (Segment's e-commerce spec, GA4, the product brief), which are
 * business-critical (stored in PostgreSQL) and the shop funnel's steps.
 *
 * Events keep the name the client sent (after enrich's snake_case normalization): readers that
 * need a meaning match every name of a canonical event, e.g. with `aliasesOf()` as an SQL `IN`
 * list, or `canonicalEvent()` per event. docs/decisions.md says why names are not rewritten.
 *
 * @example
 * ```ts
 * import { aliasesOf, canonicalEvent } from "./vocabulary.ts";
 * canonicalEvent("Order Completed"); // "purchase"
 * aliasesOf("refund"); // ["refund", "order_refunded"]
 * ```
 * @module
 */

const CRITICAL = [
  "purchase",
  "refund",
  "signup",
  "review",
  "identify",
  "alias",
] as const;

/** Every canonical event name: what visitors do in the shop, then the business-critical ones. */
export const CANONICAL_EVENTS = [
  "page_view",
  "search",
  "product_view",
  "product_click",
  "add_to_cart",
  "checkout_started",
  ...CRITICAL,
] as const;

/** A canonical event name. */
export type CanonicalEvent = typeof CANONICAL_EVENTS[number];

/**
 * The other names of each canonical event, as they read after normalization (snake_case):
 * Segment's "Order Completed" arrives as `order_completed`.
 */
export const EVENT_ALIASES: Readonly<Record<CanonicalEvent, readonly string[]>> = {
  // A mobile screen is the app's page: ingest records Segment screen calls as screen_view.
  page_view: ["page_viewed", "screen_view", "screen_viewed"],
  search: ["products_searched"],
  product_view: ["product_viewed", "view_item"],
  // "click" is in the list because the business dashboard has always counted it as one.
  product_click: ["product_clicked", "select_item", "click"],
  add_to_cart: ["product_added"],
  checkout_started: ["begin_checkout"],
  purchase: ["order_completed", "checkout_completed"],
  refund: ["order_refunded"],
  signup: ["sign_up", "signed_up", "user_signed_up", "user_signup"],
  review: ["product_reviewed", "review_submitted"],
  identify: [],
  alias: [],
};

/** Canonical events stored in PostgreSQL (orders, refunds, signups, reviews, identities). */
export const BUSINESS_CRITICAL_EVENTS: readonly CanonicalEvent[] = CRITICAL;

const FUNNEL = [
  "page_view",
  "search",
  "product_click",
  "add_to_cart",
  "purchase",
] as const satisfies readonly CanonicalEvent[];

/** A step of the shop funnel. */
export type FunnelStep = typeof FUNNEL[number];

/** The shop funnel of the product brief, in order: visit → search → click → cart → purchase. */
export const FUNNEL_STEPS: readonly CanonicalEvent[] = FUNNEL;

const CANONICAL_OF: ReadonlyMap<string, CanonicalEvent> = new Map(
  CANONICAL_EVENTS.flatMap((canonical) =>
    aliasesOf(canonical).map((name) => [name, canonical] as const)
  ),
);

/** `Add To Cart`, `addToCart`, `add-to-cart`, `ADD_TO_CART` → `add_to_cart`; enrich stores this. */
export function normalizeEventName(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
  // A name made only of symbols (e.g. "$$") keeps its original so it stays non-empty.
  return snake === "" ? name : snake;
}

/**
 * The canonical event a name means, or null for a name outside the vocabulary. Accepts names
 * as stored (`order_completed`) and as sent (`Order Completed`).
 */
export function canonicalEvent(name: string): CanonicalEvent | null {
  return CANONICAL_OF.get(name) ?? CANONICAL_OF.get(normalizeEventName(name)) ?? null;
}

/** Every stored name that means `canonical`, the canonical name first: an SQL `IN` list. */
export function aliasesOf(canonical: CanonicalEvent): readonly string[] {
  return [canonical, ...EVENT_ALIASES[canonical]];
}

/** Every stored name of all the given canonical events, in their order. */
export function namesOf(canonicals: readonly CanonicalEvent[]): string[] {
  return canonicals.flatMap((canonical) => aliasesOf(canonical));
}

/** True when the event name means a business-critical event (one PostgreSQL stores). */
export function isBusinessCritical(name: string): boolean {
  const canonical = canonicalEvent(name);
  return canonical !== null && BUSINESS_CRITICAL_EVENTS.includes(canonical);
}
