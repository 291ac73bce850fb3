/**
 * The event id ingest derives when the client sends none (`event_id` / `messageId`): a hash of
 * what the event says, so a client that retries a request (after a timeout or a 503) sends the
 * same events with the same ids and every store downstream keeps one copy.
 */
import { createHash } from "node:crypto";
import type { ExtractedEvent } from "./event.ts";

/**
 * A UUID-shaped (version 8, RFC 9562 "custom") id from the SHA-256 of the source id and the
 * event's own content: type, name, user/anonymous/session/group/previous ids, the client's
 * timestamp, platform, url, referrer, properties, traits and context. Left out on purpose:
 * `sent_at` and everything the server adds (receive time, IP), which change between retries.
 *
 * Two events identical in all of these are one event: a client that sends the same event twice
 * on purpose must give each an `event_id` or a distinct `timestamp` (docs/ingest.md).
 */
export function derivedEventId(extracted: ExtractedEvent, sourceId: string): string {
  const hex = createHash("sha256").update(JSON.stringify([
    sourceId,
    extracted.type,
    extracted.event,
    extracted.user_id,
    extracted.anonymous_id,
    extracted.session_id,
    extracted.group_id,
    extracted.previous_id,
    extracted.client_timestamp,
    extracted.platform,
    extracted.url,
    extracted.referrer,
    extracted.properties,
    extracted.traits,
    extracted.context,
  ])).digest("hex");
  // Version nibble 8 and the RFC variant bits, so the id reads as a UUID wherever one is expected.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${
    hex.slice(17, 20)
  }-${hex.slice(20, 32)}`;
}
