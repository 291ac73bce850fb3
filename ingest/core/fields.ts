/**
 * Field readers for untrusted JSON bodies. Each reader returns the value or throws a
 * {@link FieldError} naming the field; the format mappers catch it and return it as a value.
 */
import { z } from "zod";

/** Why one field of one event is unacceptable. */
export class FieldError extends Error {
  /** Body path of the field, e.g. `timestamp` or `context.ip`. */
  readonly field: string;
  /** `MISSING_FIELD` or `INVALID_FIELD`. */
  readonly code: "MISSING_FIELD" | "INVALID_FIELD";

  constructor(code: "MISSING_FIELD" | "INVALID_FIELD", field: string, message: string) {
    super(message);
    this.name = "FieldError";
    this.code = code;
    this.field = field;
  }
}

/** A JSON object as parsed from a body. */
export type JsonObject = Record<string, unknown>;

const isoDateTime = z.iso.datetime({ offset: true });

/** True for a non-null, non-array object. */
export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return `the string ${JSON.stringify(value.length > 60 ? value.slice(0, 60) + "…" : value)}`;
  }
  if (typeof value === "object") return "an object";
  return `the ${typeof value} ${String(value)}`;
}

function missing(field: string, hint = ""): FieldError {
  return new FieldError("MISSING_FIELD", field, `Field "${field}" is required${hint}`);
}

function invalid(field: string, expected: string, value: unknown): FieldError {
  return new FieldError(
    "INVALID_FIELD",
    field,
    `Field "${field}" must be ${expected}, got ${describe(value)}`,
  );
}

/** Options for the string readers. */
export interface StringOptions {
  /** Throw MISSING_FIELD when absent (default false). */
  required?: boolean;
  /** Longest accepted length in characters. */
  max: number;
  /** Accept numbers and turn them into strings, as Segment does for ids (default false). */
  numbers?: boolean;
  /** Restrict the characters: an `event` id or an `entity` id (user, anonymous…), see {@link idProblem}. */
  id?: "event" | "entity";
}

/** Printable ASCII without space: what an event id (`event_id`, `messageId`) may hold. */
const EVENT_ID_CHARS = /^[\x21-\x7e]+$/;
/** Control characters (C0, DEL, C1) and line/paragraph separators: never in any id. */
const CONTROL_CHARS = /[\p{Cc}\u2028\u2029]/u;

/**
 * Why `text` is not an acceptable id, or null. Event ids end up in HTTP headers (alert
 * idempotency keys), logs and keys, so they are printable ASCII without spaces (UUIDs, Segment's
 * `ajs-…`, RudderStack's ids all are). User, anonymous, session, group and previous ids are
 * the customer's own (emails, names in any script): any text without control characters, line
 * breaks or broken UTF-16.
 */
export function idProblem(text: string, kind: "event" | "entity"): string | null {
  if (kind === "event") {
    return EVENT_ID_CHARS.test(text)
      ? null
      : "may only contain printable ASCII characters without spaces (letters, digits, - _ . : / …)";
  }
  if (CONTROL_CHARS.test(text)) return "must not contain control characters or line breaks";
  if (!text.isWellFormed()) return "must not contain unpaired surrogate characters";
  return null;
}

/** A string field (null and absent both mean "not given"). */
export function readString(
  record: JsonObject,
  key: string,
  opts: StringOptions & { path?: string },
): string | null {
  const field = opts.path ?? key;
  const value = record[key];
  if (value === undefined || value === null || value === "") {
    if (opts.required) throw missing(field);
    return null;
  }
  let text: string;
  if (typeof value === "string") text = value;
  else if (opts.numbers && typeof value === "number" && Number.isFinite(value)) {
    text = String(value);
  } else throw invalid(field, opts.numbers ? "a string or number" : "a string", value);
  if (text.length > opts.max) {
    throw new FieldError(
      "INVALID_FIELD",
      field,
      `Field "${field}" is ${text.length} characters long; at most ${opts.max} are allowed`,
    );
  }
  const problem = opts.id === undefined ? null : idProblem(text, opts.id);
  if (problem !== null) throw new FieldError("INVALID_FIELD", field, `Field "${field}" ${problem}`);
  return text;
}

/** An object field; absent or null gives `{}`. */
export function readObject(record: JsonObject, key: string, path = key): JsonObject {
  const value = record[key];
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalid(path, "a JSON object", value);
  return value;
}

/** An ISO 8601 date-time with timezone (`2024-03-15T10:30:00Z`), or null when absent. */
export function readTimestamp(record: JsonObject, key: string, path = key): string | null {
  const value = record[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || !isoDateTime.safeParse(value).success) {
    throw invalid(path, "an ISO 8601 date-time with timezone such as 2024-03-15T10:30:00Z", value);
  }
  return value;
}

/** Throws MISSING_FIELD for `field` with a hint, e.g. when neither of two ids is present. */
export function requireOneOf(values: unknown[], field: string, hint: string): void {
  if (values.every((value) => value === null)) throw missing(field, hint);
}

/** A nested string such as `context.page.url`, or null when any level is absent or not a string. */
export function nestedString(record: JsonObject, path: string[]): string | null {
  let current: unknown = record;
  for (const key of path) {
    if (!isObject(current)) return null;
    current = current[key];
  }
  return typeof current === "string" && current !== "" ? current : null;
}

/** Longest accepted id, in characters (business ids in properties, and the event's own ids). */
export const MAX_ID_LENGTH = 256;

function checkIdLength(record: JsonObject, key: string, path: string): void {
  const value = record[key];
  const text = typeof value === "string" ? value : typeof value === "number" ? String(value) : null;
  if (text !== null && text.length > MAX_ID_LENGTH) {
    throw new FieldError(
      "INVALID_FIELD",
      path,
      `Field "${path}" is ${text.length} characters long; at most ${MAX_ID_LENGTH} are allowed`,
    );
  }
}

/**
 * Caps the business ids the sink writes to PostgreSQL (`order_id`, `product_id`, `sku`, and the
 * ids of `items` / `products` entries): PostgreSQL cannot index a value of a few KB, so such an
 * event would only be dead-lettered later. `path` is where `properties` sits in the body.
 */
export function checkBusinessIds(properties: JsonObject, path: string): void {
  for (const key of ["order_id", "product_id", "sku"]) {
    checkIdLength(properties, key, `${path}.${key}`);
  }
  for (const list of ["items", "products"]) {
    const entries = properties[list];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, index) => {
      if (!isObject(entry)) return;
      for (const key of ["product_id", "sku", "id"]) {
        checkIdLength(entry, key, `${path}.${list}[${index}].${key}`);
      }
    });
  }
}
