/**
 * The errors ingest answers with: each carries the HTTP status, a stable code and the field that
 * made the request fail, so one `onError` turns them into `{ error: { code, message, field } }`.
 */

/** Stable error codes of the ingest HTTP API (documented in docs/ingest.md). */
export type IngestErrorCode =
  | "MISSING_FIELD"
  | "INVALID_FIELD"
  | "INVALID_JSON"
  | "JSON_TOO_DEEP"
  | "INVALID_GZIP"
  | "INVALID_BODY"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "PAYLOAD_TOO_LARGE"
  | "EVENT_TOO_LARGE"
  | "BATCH_TOO_LARGE"
  | "MISSING_WRITE_KEY"
  | "INVALID_WRITE_KEY"
  | "REVOKED_WRITE_KEY"
  | "RATE_LIMITED"
  | "KAFKA_UNAVAILABLE"
  | "INGEST_OVERLOADED"
  | "REQUEST_TIMEOUT"
  | "SOURCES_UNAVAILABLE"
  | "NOT_FOUND"
  | "INTERNAL";

/** An HTTP-facing ingest failure; thrown by core and adapters, rendered by the app's onError. */
export class IngestError extends Error {
  /** HTTP status to answer with. */
  readonly status: number;
  /** Stable machine-readable code. */
  readonly code: IngestErrorCode;
  /** The request field at fault (body path such as `events[3].timestamp`, or a header name). */
  readonly field: string | undefined;
  /** Seconds the client should wait before retrying (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    code: IngestErrorCode,
    message: string,
    opts: { field?: string; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "IngestError";
    this.status = status;
    this.code = code;
    this.field = opts.field;
    this.retryAfter = opts.retryAfter;
  }

  /** The JSON body the client receives. */
  toBody(): { error: { code: string; message: string; field?: string } } {
    const error: { code: string; message: string; field?: string } = {
      code: this.code,
      message: this.message,
    };
    if (this.field !== undefined) error.field = this.field;
    return { error };
  }
}

/** True for errors a client may retry unchanged (server-side or throttling conditions). */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
