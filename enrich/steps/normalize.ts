/**
 * Normalization: snake_case event names, UTC timestamps, numeric strings as numbers.
 */
import { type EnrichedEvent, normalizeEventName } from "../../shared/events/mod.ts";
import type { Step } from "./types.ts";

/** Property names whose numeric-string values are coerced to numbers. */
export const NUMERIC_FIELDS = [
  "price",
  "quantity",
  "rating",
  "total",
  "revenue",
  "subtotal",
  "value",
  "tax",
  "shipping",
  "discount",
];

/** An ISO timestamp with any offset → the same instant in UTC (`…Z`). */
export function toUtc(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

/** `"19.99"` → 19.99; anything that is not a finite decimal number stays as it is. */
export function coerceNumber(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return value;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : value;
}

function coerceObject(object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (NUMERIC_FIELDS.includes(key)) out[key] = coerceNumber(value);
    else if (Array.isArray(value) && (key === "items" || key === "products")) {
      out[key] = value.map((item) =>
        typeof item === "object" && item !== null && !Array.isArray(item)
          ? coerceObject(item as Record<string, unknown>)
          : item
      );
    } else out[key] = value;
  }
  return out;
}

/** Coerces numeric strings of {@link NUMERIC_FIELDS}, also inside `items`/`products`. */
export function coerceProperties(properties: Record<string, unknown>): Record<string, unknown> {
  return coerceObject(properties);
}

/** Normalizes name, timestamps and property types. */
export function normalizeStep(): Step {
  return {
    name: "normalize",
    run(event: EnrichedEvent) {
      return {
        patch: {
          event: normalizeEventName(event.original_event).slice(0, 200),
          timestamp: toUtc(event.timestamp),
          received_at: toUtc(event.received_at),
          client_timestamp: event.client_timestamp === null ? null : toUtc(event.client_timestamp),
          sent_at: event.sent_at === null ? null : toUtc(event.sent_at),
          properties: coerceProperties(event.properties),
        },
      };
    },
  };
}
