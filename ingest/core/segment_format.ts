/**
 * Segment's HTTP tracking API format (track, identify, page, screen, group, alias), so existing
 * analytics.js / analytics-node / mobile SDK installs can point at EventFlow unchanged.
 */
import { EVENT_TYPES, type EventType } from "../../shared/events/mod.ts";
import { buildRawEvent, type RequestFacts } from "./event.ts";
import {
  checkBusinessIds,
  FieldError,
  isObject,
  type JsonObject,
  nestedString,
  readObject,
  readString,
  readTimestamp,
  requireOneOf,
} from "./fields.ts";
import { capture, type MapResult } from "./result.ts";

/** Batch-level values Segment libraries put once on `/v1/batch` bodies. */
export interface SegmentBatchDefaults {
  /** Batch `context`, merged under each item's own context. */
  context?: JsonObject;
  /** Batch `sentAt`, used when an item has none. */
  sentAt?: string | null;
}

/** The event name recorded for each call type (track uses the client's `event`). */
const EVENT_NAMES: Record<Exclude<EventType, "track">, string> = {
  page: "page_view",
  screen: "screen_view",
  identify: "identify",
  group: "group",
  alias: "alias",
};

function readType(item: JsonObject, fixed: EventType | undefined): EventType {
  if (fixed !== undefined) return fixed;
  const type = readString(item, "type", { required: true, max: 32 })!;
  if (!(EVENT_TYPES as readonly string[]).includes(type)) {
    throw new FieldError(
      "INVALID_FIELD",
      "type",
      `Field "type" must be one of ${EVENT_TYPES.join(", ")}, got ${JSON.stringify(type)}`,
    );
  }
  return type as EventType;
}

/** Page and screen names go into properties, as Segment's own destinations expect. */
function pageProperties(item: JsonObject, properties: JsonObject): JsonObject {
  const name = readString(item, "name", { max: 200 });
  const category = readString(item, "category", { max: 200 });
  if (name === null && category === null) return properties;
  const out = { ...properties };
  if (name !== null && out.name === undefined) out.name = name;
  if (category !== null && out.category === undefined) out.category = category;
  return out;
}

/**
 * The session id from `context.sessionId`, `context.session_id` or `properties.session_id`.
 * Non-string values are ignored as before, but an over-long one is rejected: the contract caps
 * ids at 256 characters, and an event accepted here must not fail validation in enrich.
 */
function sessionId(context: JsonObject, properties: JsonObject): string | null {
  const places = [
    [context, "sessionId", "context.sessionId"],
    [context, "session_id", "context.session_id"],
    [properties, "session_id", "properties.session_id"],
  ] as const;
  for (const [record, key, path] of places) {
    if (nestedString(record, [key]) !== null) {
      return readString(record, key, { max: 256, path, id: "entity" });
    }
  }
  return null;
}

/**
 * Maps one Segment call. `type` is fixed by the route (`/v1/track`…) or read from the item
 * (`/v1/batch`).
 */
export function mapSegmentEvent(
  item: unknown,
  facts: RequestFacts,
  opts: { type?: EventType; defaults?: SegmentBatchDefaults } = {},
): MapResult {
  return capture(() => {
    if (!isObject(item)) {
      throw new FieldError("INVALID_FIELD", "event", "Each call must be a JSON object");
    }
    const type = readType(item, opts.type);
    const userId = readString(item, "userId", { max: 256, numbers: true, id: "entity" });
    const anonymousId = readString(item, "anonymousId", { max: 256, numbers: true, id: "entity" });
    let previousId: string | null = null;
    let groupId: string | null = null;
    if (type === "alias") {
      readString(item, "userId", { required: true, max: 256, numbers: true, id: "entity" });
      previousId = readString(item, "previousId", {
        required: true,
        max: 256,
        numbers: true,
        id: "entity",
      });
    } else {
      requireOneOf([userId, anonymousId], "userId", ' (or "anonymousId")');
    }
    if (type === "group") {
      groupId = readString(item, "groupId", {
        required: true,
        max: 256,
        numbers: true,
        id: "entity",
      });
    }
    const event = type === "track"
      ? readString(item, "event", { required: true, max: 200 })!
      : EVENT_NAMES[type];
    let properties = readObject(item, "properties");
    if (type === "page" || type === "screen") properties = pageProperties(item, properties);
    checkBusinessIds(properties, "properties");
    const ownContext = readObject(item, "context");
    const context = opts.defaults?.context
      ? { ...opts.defaults.context, ...ownContext }
      : ownContext;
    const url = nestedString(properties, ["url"]) ?? nestedString(context, ["page", "url"]);
    const referrer = nestedString(properties, ["referrer"]) ??
      nestedString(context, ["page", "referrer"]);
    return buildRawEvent({
      event_id: readString(item, "messageId", { max: 128, id: "event" }),
      type,
      event,
      user_id: userId,
      anonymous_id: anonymousId,
      session_id: sessionId(context, properties),
      group_id: groupId,
      previous_id: previousId,
      properties,
      traits: readObject(item, "traits"),
      context,
      platform: null,
      url: url === null ? null : url.slice(0, 8192),
      referrer: referrer === null ? null : referrer.slice(0, 8192),
      client_timestamp: readTimestamp(item, "timestamp"),
      sent_at: readTimestamp(item, "sentAt") ?? opts.defaults?.sentAt ?? null,
      format: "segment",
    }, facts);
  });
}
