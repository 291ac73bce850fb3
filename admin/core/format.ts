/** Number, money and time formatting shared by every page (fixed en-US, UTC: staff compare). */

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** `1234` → `1,234`. */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** `1234.5, "USD"` → `1,234.50 USD`; null → an em dash (unknown, e.g. no exchange rate). */
export function formatMoney(value: number | null, currency: string): string {
  if (value === null || !Number.isFinite(value)) return "—";
  const text = value.toLocaleString("en-US", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${text} ${currency.trim()}`;
}

/** A ratio as a percentage with one decimal; null when the denominator is zero. */
export function formatPercent(numerator: number, denominator: number): string {
  if (denominator === 0) return "—";
  return `${(100 * numerator / denominator).toFixed(1)}%`;
}

/** `2025-01-31 14:05:09 UTC`. */
export function formatTime(value: Date | string | null): string {
  if (value === null) return "—";
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `2025-01-31`. */
export function formatDay(value: Date): string {
  return value.toISOString().slice(0, 10);
}
