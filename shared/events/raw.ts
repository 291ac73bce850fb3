/**
 * The raw-event wire contract: what ingest writes to the `raw_events` topic.
 *
 * Both accepted input formats (EventFlow's own and Segment's tracking API) are mapped onto this
 * one shape. `schema_version` lets consumers recognise messages from older producers.
 */
import { z } from "zod";

/** The version of the raw-event contract written by this code. */
export const RAW_SCHEMA_VERSION = 1;

/** The call types of the tracking API (Segment's vocabulary). */
export const EVENT_TYPES = ["track", "identify", "page", "screen", "group", "alias"] as const;

/** One of {@link EVENT_TYPES}. */
export type EventType = typeof EVENT_TYPES[number];

const isoTime = z.iso.datetime({ offset: true });
const nullableId = z.string().min(1).max(256).nullable();
const jsonObject = z.record(z.string(), z.unknown());

/** Zod schema of a raw event as carried in Kafka. */
export const RawEventSchema = z.object({
  schema_version: z.literal(RAW_SCHEMA_VERSION),
  /** Client's `event_id`/`messageId` when given, else a UUID made at ingest. Idempotency key. */
  event_id: z.string().min(1).max(128),
  type: z.enum(EVENT_TYPES),
  /** Event name as the client sent it (`page_view` for page calls, `screen_view` for screens). */
  event: z.string().min(1).max(200),
  user_id: nullableId,
  anonymous_id: nullableId,
  session_id: nullableId,
  group_id: nullableId,
  /** For alias calls: the identity being merged into `user_id`. */
  previous_id: nullableId,
  /** Event payload (`event_data` in EventFlow's format, `properties` in Segment's). */
  properties: jsonObject,
  /** User or group traits from identify/group calls. */
  traits: jsonObject,
  /** Segment-style context: page, campaign, app, device, os, locale, library… */
  context: jsonObject,
  /** web, ios, android, backend… from the body, else the source's platform. */
  platform: z.string().max(64).nullable(),
  url: z.string().max(8192).nullable(),
  referrer: z.string().max(8192).nullable(),
  /** Corrected event time (UTC): received_at − (sent_at − client timestamp), clamped. */
  timestamp: isoTime,
  /** The time the client said the event happened, as sent. */
  client_timestamp: isoTime.nullable(),
  /** The time the client said it sent the request, as sent. */
  sent_at: isoTime.nullable(),
  received_at: isoTime,
  /** True when the event time was in the future beyond tolerance and was clamped. */
  timestamp_clamped: z.boolean(),
  /** Client IP (full, for geo lookup; enrich truncates it). */
  ip: z.string().max(64).nullable(),
  user_agent: z.string().max(2048).nullable(),
  /** The source (write key owner) that sent the event. */
  source_id: z.string().min(1).max(128),
  /**
   * Kind of the write key that sent the event; absent in messages written before it existed:
   * readers treat absent as public.
   */
  source_kind: z.enum(["public", "server"]).optional(),
  /** Which input format the event arrived in. */
  format: z.enum(["eventflow", "segment"]),
});

/** A raw event as carried in Kafka. */
export type RawEvent = z.infer<typeof RawEventSchema>;

/** The Kafka key that keeps one user's events ordered in one partition. */
export function partitionKey(
  event: Pick<RawEvent, "user_id" | "anonymous_id" | "event_id">,
): string {
  return event.user_id ?? event.anonymous_id ?? event.event_id;
}
