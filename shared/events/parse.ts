/**
 * Reading contract messages from Kafka: bytes in, a typed event or a typed failure out.
 *
 * A message from an older or broken producer is data, not a crash: callers turn a failure into a
 * dead-letter record.
 */
import type { z } from "zod";

/** Result of reading one message. */
export type ParseResult<T> =
  | { ok: true; value: T }
  | {
    ok: false;
    reason: "INVALID_JSON" | "SCHEMA_MISMATCH";
    error: string;
    eventId: string | null;
  };

/** Parses a Kafka message value as JSON and validates it against `schema`. */
export function parseMessage<T extends z.ZodType>(
  schema: T,
  value: Uint8Array | string,
): ParseResult<z.output<T>> {
  let json: unknown;
  try {
    json = JSON.parse(typeof value === "string" ? value : new TextDecoder().decode(value));
  } catch (error) {
    return {
      ok: false,
      reason: "INVALID_JSON",
      error: `Message is not valid JSON: ${(error as Error).message}`,
      eventId: null,
    };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const eventId = typeof json === "object" && json !== null &&
      typeof (json as { event_id?: unknown }).event_id === "string"
    ? (json as { event_id: string }).event_id
    : null;
  const details = result.error.issues.slice(0, 5).map((issue) =>
    `field "${issue.path.join(".") || "(root)"}" ${issue.message.toLowerCase()}`
  ).join("; ");
  return {
    ok: false,
    reason: "SCHEMA_MISMATCH",
    error: `Message does not match the schema: ${details}`,
    eventId,
  };
}
