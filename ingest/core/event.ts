/**
 * The format-independent half of mapping: given the fields a format mapper extracted, fill in
 * event_id, corrected time, client IP and user agent, and produce a contract-valid RawEvent.
 */
import { RAW_SCHEMA_VERSION, type RawEvent } from "../../shared/events/mod.ts";
import { derivedEventId } from "./event_id.ts";
import { FieldError, type JsonObject, nestedString } from "./fields.ts";
import { parseIp } from "./ip.ts";
import { correctTimestamp } from "./time.ts";

/**
 * Who can read a source's write key: `public` (web and mobile keys, readable by any visitor) or
 * `server` (back-end keys kept secret). Only server keys may cause business effects downstream.
 */
export const SOURCE_KINDS = ["public", "server"] as const;

/** One of {@link SOURCE_KINDS}. */
export type SourceKind = typeof SOURCE_KINDS[number];

/** Platforms whose requests come from a server acting for end users (see docs: IP and UA). */
export const SERVER_PLATFORMS = new Set(["backend", "server"]);

/** What the request (not the body) tells us about every event in it. */
export interface RequestFacts {
  /** Server receive time, epoch milliseconds. */
  receivedAt: number;
  /** Client IP from the connection (after trusted-proxy resolution). */
  ip: string | null;
  /** The request's User-Agent header. */
  userAgent: string | null;
  /** The source owning the write key. */
  source: { sourceId: string; platform: string; kind: SourceKind };
  /** Events more than this far in the future are clamped to received_at. */
  futureToleranceMs: number;
}

/** Fields a format mapper extracted from one event. */
export type ExtractedEvent =
  & Pick<
    RawEvent,
    | "type"
    | "event"
    | "user_id"
    | "anonymous_id"
    | "session_id"
    | "group_id"
    | "previous_id"
    | "properties"
    | "traits"
    | "context"
    | "platform"
    | "url"
    | "referrer"
    | "sent_at"
    | "format"
  >
  & { event_id: string | null; client_timestamp: string | null };

const MAX_USER_AGENT = 2048;

/** The IP and UA to record: from the body's context only for server-side sources. */
function clientOf(
  context: JsonObject,
  facts: RequestFacts,
): { ip: string | null; ua: string | null } {
  if (!SERVER_PLATFORMS.has(facts.source.platform)) return { ip: facts.ip, ua: facts.userAgent };
  const bodyIp = context.ip;
  let ip = facts.ip;
  if (bodyIp !== undefined && bodyIp !== null && bodyIp !== "") {
    if (typeof bodyIp !== "string" || parseIp(bodyIp) === null) {
      throw new FieldError(
        "INVALID_FIELD",
        "context.ip",
        `Field "context.ip" must be an IPv4 or IPv6 address, got ${JSON.stringify(bodyIp)}`,
      );
    }
    ip = bodyIp.trim();
  }
  const ua = nestedString(context, ["userAgent"]) ?? nestedString(context, ["user_agent"]) ??
    facts.userAgent;
  return { ip, ua };
}

/** Completes an extracted event into a RawEvent; throws FieldError for a bad `context.ip`. */
export function buildRawEvent(extracted: ExtractedEvent, facts: RequestFacts): RawEvent {
  const corrected = correctTimestamp(
    { timestamp: extracted.client_timestamp, sentAt: extracted.sent_at },
    { receivedAt: facts.receivedAt, futureToleranceMs: facts.futureToleranceMs },
  );
  const { ip, ua } = clientOf(extracted.context, facts);
  return {
    schema_version: RAW_SCHEMA_VERSION,
    // Without a client id, one derived from the content: a retried request keeps its ids.
    event_id: extracted.event_id ?? derivedEventId(extracted, facts.source.sourceId),
    type: extracted.type,
    event: extracted.event,
    user_id: extracted.user_id,
    anonymous_id: extracted.anonymous_id,
    session_id: extracted.session_id,
    group_id: extracted.group_id,
    previous_id: extracted.previous_id,
    properties: extracted.properties,
    traits: extracted.traits,
    context: extracted.context,
    platform: extracted.platform ?? facts.source.platform,
    url: extracted.url,
    referrer: extracted.referrer,
    timestamp: corrected.timestamp,
    client_timestamp: extracted.client_timestamp,
    sent_at: extracted.sent_at,
    received_at: new Date(facts.receivedAt).toISOString(),
    timestamp_clamped: corrected.clamped,
    ip: ip === null ? null : ip.slice(0, 64),
    user_agent: ua === null ? null : ua.slice(0, MAX_USER_AGENT),
    source_id: facts.source.sourceId,
    source_kind: facts.source.kind,
    format: extracted.format,
  };
}
