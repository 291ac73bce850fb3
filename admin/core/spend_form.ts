/** The campaign spend form: one day and a non-negative amount in the base currency. */
import { InputError } from "./errors.ts";
import { parseDate } from "./params.ts";

/** A validated spend entry of the form. */
export interface SpendForm {
  day: string;
  amount: number;
}

/** Largest amount one day may hold (the query service allows up to 1e12). */
export const MAX_SPEND = 1_000_000_000;

/** Validates the form's `day` and `amount` fields; a bad one is an InputError naming it. */
export function parseSpendForm(form: { day?: string; amount?: string }): SpendForm {
  const day = parseDate("day", form.day?.trim());
  if (day === undefined) throw new InputError("day", 'Field "day" is required (YYYY-MM-DD)');
  const text = (form.amount ?? "").trim().replace(",", ".");
  if (!/^\d{1,10}(\.\d{1,2})?$/.test(text)) {
    throw new InputError(
      "amount",
      `Field "amount" must be a non-negative amount with at most 2 decimals, got ${
        JSON.stringify(form.amount ?? "")
      }`,
    );
  }
  const amount = Number(text);
  if (amount > MAX_SPEND) {
    throw new InputError("amount", `Field "amount" must be at most ${MAX_SPEND}, got ${text}`);
  }
  return { day: day.toISOString().slice(0, 10), amount };
}
