/**
 * The purchases filter from a query string: every parameter checked once (bad → 400 naming it),
 * dates read as calendar days in the viewer's time zone, periods relative to the injected clock.
 */
import { InputError } from "../core/errors.ts";
import { parseChoice, parseDate, parseText } from "../core/params.ts";
import { dayStartIn, todayIn } from "../core/zone.ts";
import { ORDER_SORTS, type OrderFilter, type OrderOrder } from "../adapters/pg_orders.ts";

const DAY = 86_400_000;

/** Period shortcuts of the list pages. */
export const LIST_PERIODS = ["today", "yesterday", "7d", "30d"] as const;

/** Parses an optional non-negative amount such as `99.90`. */
export function parseAmount(field: string, value: string | undefined): number | undefined {
  const text = value?.trim().replace(",", ".");
  if (text === undefined || text === "") return undefined;
  if (!/^\d{1,12}(\.\d{1,4})?$/.test(text)) {
    throw new InputError(
      field,
      `Parameter "${field}" must be an amount like 99.90, got ${JSON.stringify(value)}`,
    );
  }
  return Number(text);
}

/** `from`/`to` instants of a period shortcut or a custom day range, in `zone`. */
export function parseRange(
  query: Record<string, string | undefined>,
  opts: { now: Date; zone: string },
): { from?: Date; to?: Date } {
  const period = parseChoice("period", query.period, LIST_PERIODS);
  if (period !== undefined) {
    const today = todayIn(opts.now, opts.zone);
    const days = { today: [0, 1], yesterday: [-1, 0], "7d": [-6, 1], "30d": [-29, 1] }[period];
    return {
      from: dayStartIn(new Date(today.getTime() + days[0]! * DAY), opts.zone),
      to: dayStartIn(new Date(today.getTime() + days[1]! * DAY), opts.zone),
    };
  }
  const fromDay = parseDate("from", query.from);
  const toDay = parseDate("to", query.to);
  if (fromDay !== undefined && toDay !== undefined && toDay < fromDay) {
    throw new InputError(
      "to",
      `Parameter "to" (${query.to}) must not be before "from" (${query.from})`,
    );
  }
  return {
    from: fromDay === undefined ? undefined : dayStartIn(fromDay, opts.zone),
    to: toDay === undefined ? undefined : dayStartIn(new Date(toDay.getTime() + DAY), opts.zone),
  };
}

/** The purchases filter and sort order of a request. */
export function parsePurchaseQuery(
  query: Record<string, string | undefined>,
  opts: { now: Date; zone: string },
): { filter: OrderFilter; order: OrderOrder } {
  const minAmount = parseAmount("min", query.min);
  const maxAmount = parseAmount("max", query.max);
  if (minAmount !== undefined && maxAmount !== undefined && maxAmount < minAmount) {
    throw new InputError(
      "max",
      `Parameter "max" (${maxAmount}) must not be below "min" (${minAmount})`,
    );
  }
  return {
    filter: {
      ...parseRange(query, opts),
      q: parseText("q", query.q),
      status: parseText("status", query.status, { maxLength: 40 }),
      customer: parseText("customer", query.customer),
      product: parseText("product", query.product),
      city: parseText("city", query.city, { maxLength: 100 }),
      campaign: parseText("campaign", query.campaign),
      minAmount,
      maxAmount,
    },
    order: {
      sort: parseChoice("sort", query.sort, ORDER_SORTS) ?? "created_at",
      dir: parseChoice("dir", query.dir, ["asc", "desc"] as const) ?? "desc",
    },
  };
}
