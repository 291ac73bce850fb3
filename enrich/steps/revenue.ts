/**
 * Revenue step: the event's amount (revenue, total or price) in its currency and in USD.
 */
import type { Revenue } from "../../shared/events/mod.ts";
import type { Step } from "./types.ts";

/** The currency amounts are normalized to. */
export const BASE_CURRENCY = "USD";

/** Exchange rates to the base currency, or null while they could not be loaded yet. */
export interface RateSource {
  current(): Map<string, number> | null;
}

/** The amount an event carries: `revenue`, else `total`, else `price`; numbers only. */
export function amountOf(properties: Record<string, unknown>): number | null {
  for (const key of ["revenue", "total", "price"]) {
    const value = properties[key];
    if (typeof value === "number" && Number.isFinite(value)) return value;
  }
  return null;
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
