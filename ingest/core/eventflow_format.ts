/**
 * EventFlow's own event format, e.g.
 * `{"user_id":"user_789","session_id":"sess_xyz123","event_type":"add_to_cart",
 *   "event_data":{"product_id":123,"price":199.99},"timestamp":"2024-03-15T10:30:00Z",
 *   "platform":"web","url":"/products/123"}`.
 */
import type { EventType } from "../../shared/events/mod.ts";
import { buildRawEvent, type RequestFacts } from "./event.ts";
import {
  checkBusinessIds,
  FieldError,
  isObject,
  nestedString,
  readObject,
  readString,
  readTimestamp,
  requireOneOf,
} from "./fields.ts";
import { capture, type MapResult } from "./result.ts";

/** Names of `event_type` that are not plain track calls. */
const SPECIAL_TYPES: Record<string, EventType> = {
  page_view: "page",
  screen_view: "screen",
  identify: "identify",
};

/** Maps one EventFlow-format event; `batchSentAt` is the batch-level `sent_at` if any. */
export function mapEventflowEvent(
  item: unknown,
  facts: RequestFacts,
  opts: { batchSentAt?: string | null } = {},
): MapResult {
  return capture(() => {
    if (!isObject(item)) {
      throw new FieldError("INVALID_FIELD", "event", "Each event must be a JSON object");
    }
    const event = readString(item, "event_type", { required: true, max: 200 })!;
    const userId = readString(item, "user_id", { max: 256, numbers: true, id: "entity" });
    const anonymousId = readString(item, "anonymous_id", { max: 256, numbers: true, id: "entity" });
    requireOneOf(
      [userId, anonymousId],
      "user_id",
      ' (or "anonymous_id" for visitors who have not logged in)',
    );
    const type = SPECIAL_TYPES[event] ?? "track";
    const context = readObject(item, "context");
    const properties = readObject(item, "event_data");
    checkBusinessIds(properties, "event_data");
    return buildRawEvent({
      event_id: readString(item, "event_id", { max: 128, id: "event" }),
      type,
      event,
      user_id: userId,
      anonymous_id: anonymousId,
      session_id: readString(item, "session_id", { max: 256, numbers: true, id: "entity" }),
      group_id: readString(item, "group_id", { max: 256, numbers: true, id: "entity" }),
      previous_id: null,
      properties,
      traits: readObject(item, "traits"),
      context,
      platform: readString(item, "platform", { max: 64 }),
      // The context copy is not the client's own field, so it is cut to fit rather than rejected.
      url: readString(item, "url", { max: 8192 }) ??
        nestedString(context, ["page", "url"])?.slice(0, 8192) ?? null,
      referrer: readString(item, "referrer", { max: 8192 }) ??
        nestedString(context, ["page", "referrer"])?.slice(0, 8192) ?? null,
      client_timestamp: readTimestamp(item, "timestamp"),
      sent_at: readTimestamp(item, "sent_at") ?? opts.batchSentAt ?? null,
      format: "eventflow",
    }, facts);
  });
}
