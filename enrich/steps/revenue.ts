/**
 * Revenue step: the event's amount (revenue, total, price or its items) in its currency and in USD.
 */
import type { Revenue } from "../../shared/events/mod.ts";
import type { Step } from "./types.ts";

/** The currency amounts are normalized to. */
export const BASE_CURRENCY = "USD";

/** Exchange rates to the base currency, or null while they could not be loaded yet. */
export interface RateSource {
  current(): Map<string, number> | null;
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * The sum of `items` / `products` lines (`price` × `quantity`, quantity 1 when absent), or null
 * when there are no lines or a line has no numeric price.
 */
export function itemsTotal(properties: Record<string, unknown>): number | null {
  const lines = Array.isArray(properties.items)
    ? properties.items
    : Array.isArray(properties.products)
    ? properties.products
    : null;
  if (lines === null || lines.length === 0) return null;
  let total = 0;
  for (const line of lines) {
    if (typeof line !== "object" || line === null) return null;
    const { price, quantity } = line as Record<string, unknown>;
    const unit = finite(price);
    if (unit === null) return null;
    total += unit * (finite(quantity) ?? 1);
  }
  return Math.round(total * 10000) / 10000;
}

/**
 * The amount an event carries: `revenue`, else `total`, else `price`, else the sum of its item
 * lines (an order sent with items but no total, as some SDKs do); numbers only.
 */
export function amountOf(properties: Record<string, unknown>): number | null {
  for (const key of ["revenue", "total", "price"]) {
    const value = finite(properties[key]);
    if (value !== null) return value;
  }
  return itemsTotal(properties);
}

/** Converts with 4 decimals kept, so cents survive multi-step rates. */
export function toBase(amount: number, rate: number): number {
  return Math.round(amount * rate * 10000) / 10000;
}

/** Adds `revenue` for events that carry an amount; the original properties stay untouched. */
export function revenueStep(rates: RateSource): Step {
  return {
    name: "revenue",
    run(event) {
      const amount = amountOf(event.properties);
      if (amount === null) return { patch: {} };
      const raw = event.properties.currency;
      const currency = typeof raw === "string" && /^[A-Za-z]{3}$/.test(raw.trim())
        ? raw.trim().toUpperCase()
        : BASE_CURRENCY;
      const revenue: Revenue = {
        amount,
        currency,
        amount_base: currency === BASE_CURRENCY ? amount : null,
        base_currency: BASE_CURRENCY,
      };
      if (currency === BASE_CURRENCY) return { patch: { revenue } };
      const table = rates.current();
      if (table === null) {
        return {
          patch: { revenue },
          error: "Currency rates are not loaded yet (PostgreSQL unreachable?)",
        };
      }
      const rate = table.get(currency);
      if (rate === undefined) {
        return { patch: { revenue }, error: `No exchange rate for currency "${currency}"` };
      }
      return { patch: { revenue: { ...revenue, amount_base: toBase(amount, rate) } } };
    },
  };
}
