/**
 * Query-string parsing for the console's pages: every value is checked here, once, and a bad
 * one becomes an {@link InputError} naming the parameter.
 */
import { InputError } from "./errors.ts";

/** Largest page number accepted; deeper pages are a typo or a crawler, not a person. */
export const MAX_PAGE = 10_000;

/** Parses `?page=`: absent → 1; anything but an integer 1..MAX_PAGE is an error. */
export function parsePage(value: string | undefined): number {
  if (value === undefined || value === "") return 1;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_PAGE) {
    throw new InputError(
      "page",
      `Parameter "page" must be a whole number from 1 to ${MAX_PAGE}, got ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

/** Parses an optional `YYYY-MM-DD` date as UTC midnight. */
export function parseDate(field: string, value: string | undefined): Date | undefined {
  if (value === undefined || value === "") return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(`${value}T00:00:00Z`) : undefined;
  // Round-tripping rejects 2024-02-31, which Date would silently roll over into March.
  if (
    date === undefined || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value
  ) {
    throw new InputError(
      field,
      `Parameter "${field}" must be a date like 2025-01-31, got ${JSON.stringify(value)}`,
    );
  }
  return date;
}

/** Parses an optional value that must be one of `allowed`. */
export function parseChoice<T extends string>(
  field: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined || value === "") return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(
      field,
      `Parameter "${field}" must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

/** Parses optional free text (search boxes, filters): trimmed, bounded, empty → undefined. */
export function parseText(
  field: string,
  value: string | undefined,
  opts: { maxLength?: number } = {},
): string | undefined {
  const text = value?.trim();
  if (text === undefined || text === "") return undefined;
  const max = opts.maxLength ?? 200;
  if (text.length > max) {
    throw new InputError(
      field,
      `Parameter "${field}" must be at most ${max} characters, got ${text.length}`,
    );
  }
  return text;
}

/** Row offset of `page` for pages of `size` rows. */
export function offsetOf(page: number, size: number): number {
  return (page - 1) * size;
}

/** The `offset` and `limit` a list query takes for `page` of pages of `size` rows. */
export function pageWindow(page: number, size: number): { offset: number; limit: number } {
  return { offset: offsetOf(page, size), limit: size };
}
