/**
 * Validation of the Data pages' forms: each parser takes the submitted fields and returns the
 * record to store, or throws an {@link InputError} naming the first bad field.
 */
import { InputError } from "./errors.ts";
import { parseDate } from "./params.ts";
import { dayStartIn } from "./zone.ts";
import type { CampaignRecord, ProductRecord } from "../adapters/pg_data.ts";

type Form = Record<string, unknown>;

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
const DAY = 86_400_000;

function text(form: Form, field: string, opts: { required?: boolean; max?: number } = {}) {
  const value = typeof form[field] === "string" ? (form[field] as string).trim() : "";
  if (value === "") {
    if (opts.required) throw new InputError(field, `Field "${field}" is required`);
    return null;
  }
  const max = opts.max ?? 200;
  if (value.length > max) {
    throw new InputError(field, `Field "${field}" must be at most ${max} characters`);
  }
  return value;
}

function id(form: Form, field: string): string {
  const value = text(form, field, { required: true })!;
  if (!ID.test(value)) {
    throw new InputError(
      field,
      `Field "${field}" must be letters, digits, ".", "_", ":" or "-" (up to 100), got ${
        JSON.stringify(value)
      }`,
    );
  }
  return value;
}

function currency(form: Form, field: string): string {
  const value = (text(form, field, { required: true }) ?? "").toUpperCase();
  if (!/^[A-Z]{3}$/.test(value)) {
    throw new InputError(field, `Field "${field}" must be a 3-letter currency code such as EUR`);
  }
  return value;
}

function positive(form: Form, field: string, opts: { allowZero?: boolean } = {}) {
  const raw = text(form, field, { required: true })!.replace(",", ".");
  const value = Number(raw);
  if (!/^\d{1,10}(\.\d{1,8})?$/.test(raw) || (!opts.allowZero && value === 0)) {
    throw new InputError(
      field,
      `Field "${field}" must be a ${opts.allowZero ? "non-negative" : "positive"} number, got ${
        JSON.stringify(raw)
      }`,
    );
  }
  return value;
}

/** A campaign from its form; dates are whole days in `zone`, the end day included. */
export function parseCampaignForm(form: Form, zone: string): CampaignRecord {
  const record = {
    campaign_id: id(form, "campaign_id"),
    name: text(form, "name", { required: true })!,
    utm_campaign: text(form, "utm_campaign", { max: 100 }),
    channel: text(form, "channel", { max: 50 }),
  };
  const starts = parseDate("starts_on", text(form, "starts_on", { required: true }) ?? undefined)!;
  const ends = parseDate("ends_on", text(form, "ends_on", { required: true }) ?? undefined)!;
  if (ends < starts) {
    throw new InputError("ends_on", `Field "ends_on" must not be before "starts_on"`);
  }
  return {
    ...record,
    starts_at: dayStartIn(starts, zone),
    ends_at: dayStartIn(new Date(ends.getTime() + DAY), zone),
  };
}

/** A catalogue product from its form. */
export function parseProductForm(form: Form): ProductRecord {
  return {
    product_id: id(form, "product_id"),
    name: text(form, "name", { required: true }),
    category: text(form, "category", { max: 100 }),
    price: positive(form, "price", { allowZero: true }),
    currency: currency(form, "currency"),
  };
}

/** An exchange rate from its form. */
export function parseRateForm(form: Form): { currency: string; rate_to_base: number } {
  return { currency: currency(form, "currency"), rate_to_base: positive(form, "rate_to_base") };
}
