/**
 * Batches: pulling the item list out of a body, mapping each item independently (one bad event
 * never sinks its neighbours), and shaping the response.
 */
import type { RawEvent } from "../../shared/events/mod.ts";
import { IngestError } from "./errors.ts";
import { isObject, type JsonObject } from "./fields.ts";
import type { MapResult } from "./result.ts";

/** The items of a batch body plus its batch-level fields. */
export interface BatchBody {
  items: unknown[];
  /** The whole body when it was an object (for batch-level `sent_at`, `context`…). */
  envelope: JsonObject;
}

/** One rejected batch item, as reported to the client. */
export interface RejectedItem {
  index: number;
  code: string;
  field: string;
  reason: string;
  /** Always false for validation failures: resending the same item fails the same way. */
  retriable: false;
}

/** The accepted events and rejected items of a batch. */
export interface BatchOutcome {
  events: RawEvent[];
  rejected: RejectedItem[];
}

/** Extracts the item list: `{ [listKey]: [...] }` or a bare array. */
export function batchItems(
  body: unknown,
  opts: { listKey: string; maxEvents: number },
): BatchBody {
  let items: unknown;
  let envelope: JsonObject = {};
  if (Array.isArray(body)) items = body;
  else if (isObject(body)) {
    envelope = body;
    items = body[opts.listKey];
    if (items === undefined) {
      throw new IngestError(
        400,
        "MISSING_FIELD",
        `Field "${opts.listKey}" is required: send {"${opts.listKey}": [ ... ]} or a JSON array`,
        { field: opts.listKey },
      );
    }
  } else {
    throw new IngestError(400, "INVALID_BODY", "Request body must be a JSON object or array", {
      field: "body",
    });
  }
  if (!Array.isArray(items)) {
    throw new IngestError(400, "INVALID_FIELD", `Field "${opts.listKey}" must be an array`, {
      field: opts.listKey,
    });
  }
  if (items.length === 0) {
    throw new IngestError(
      400,
      "INVALID_FIELD",
      `Field "${opts.listKey}" must contain at least one event`,
      {
        field: opts.listKey,
      },
    );
  }
  if (items.length > opts.maxEvents) {
    throw new IngestError(
      413,
      "BATCH_TOO_LARGE",
      `Batch has ${items.length} events; at most ${opts.maxEvents} are accepted per request`,
      { field: opts.listKey },
    );
  }
  return { items, envelope };
}

const encoder = new TextEncoder();

/** Size of one item as JSON, in bytes. */
export function itemBytes(item: unknown): number {
  return encoder.encode(JSON.stringify(item) ?? "").byteLength;
}

/** Maps every item, rejecting those over `maxEventBytes` without looking further. */
export function mapBatch(
  items: unknown[],
  map: (item: unknown) => MapResult,
  opts: { maxEventBytes: number },
): BatchOutcome {
  const events: RawEvent[] = [];
  const rejected: RejectedItem[] = [];
  items.forEach((item, index) => {
    const size = itemBytes(item);
    if (size > opts.maxEventBytes) {
      rejected.push({
        index,
        code: "EVENT_TOO_LARGE",
        field: "event",
        reason: `Event is ${size} bytes; at most ${opts.maxEventBytes} are accepted per event`,
        retriable: false,
      });
      return;
    }
    const result = map(item);
    if (result.ok) events.push(result.event);
    else {
      const { code, field, message } = result.rejection;
      rejected.push({ index, code, field, reason: message, retriable: false });
    }
  });
  return { events, rejected };
}

/** The status and body for a batch: 200 when anything was accepted, else 400 naming item 0's fault. */
export function batchResponse(
  outcome: BatchOutcome,
  listKey: string,
): { status: 200 | 400; body: Record<string, unknown> } {
  const accepted = outcome.events.length;
  if (accepted === 0) {
    const first = outcome.rejected[0]!;
    return {
      status: 400,
      body: {
        error: {
          code: first.code,
          message: `Every event in the batch was rejected; first: ${first.reason}`,
          field: `${listKey}[${first.index}].${first.field}`,
        },
        accepted: 0,
        rejected: outcome.rejected,
      },
    };
  }
  return {
    status: 200,
    body: {
      status: outcome.rejected.length === 0 ? "ok" : "partial",
      accepted,
      rejected: outcome.rejected,
    },
  };
}
