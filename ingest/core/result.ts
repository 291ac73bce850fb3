/** The per-event outcome of mapping a body item onto a RawEvent. */
import type { RawEvent } from "../../shared/events/mod.ts";
import { FieldError } from "./fields.ts";

/** Why one event was rejected, as the client sees it. */
export interface Rejection {
  code: "MISSING_FIELD" | "INVALID_FIELD" | "EVENT_TOO_LARGE";
  field: string;
  message: string;
}

/** An accepted RawEvent or the reason the item was rejected. */
export type MapResult = { ok: true; event: RawEvent } | { ok: false; rejection: Rejection };

/** Runs a mapper, turning a thrown FieldError into a rejected result (other errors are bugs). */
export function capture(map: () => RawEvent): MapResult {
  try {
    return { ok: true, event: map() };
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    return {
      ok: false,
      rejection: { code: error.code, field: error.field, message: error.message },
    };
  }
}
