/** Errors the query API answers with: an HTTP status, a stable code and the field at fault. */

/** An error that becomes `{ error: { code, message, field } }` with `status`. */
export class ApiError extends Error {
  readonly status: 400 | 401 | 404 | 499 | 502 | 503 | 504;
  readonly code: string;
  readonly field?: string;

  constructor(
    status: ApiError["status"],
    code: string,
    message: string,
    opts: { field?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = opts.field;
  }
}

/** A 400 naming the parameter at fault. */
export function badParameter(field: string, message: string): ApiError {
  return new ApiError(400, "INVALID_PARAMETER", `Parameter "${field}" ${message}`, { field });
}

/**
 * Maps a failure of ClickHouse to an answer: its time limit (code 159, TIMEOUT_EXCEEDED) → 504,
 * its memory limit (241, MEMORY_LIMIT_EXCEEDED) → 503, anything else → 502.
 */
export function fromClickHouse(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const code = String((error as { code?: unknown }).code ?? "");
  const message = (error as Error)?.message ?? String(error);
  // "Timeout error." is the client's own request timeout: ClickHouse had not answered in time
  // (on an engine that runs queries one at a time, often because others queued before it).
  if (code === "159" || /TIMEOUT_EXCEEDED|Timeout exceeded|^Timeout error/i.test(message)) {
    return new ApiError(
      504,
      "QUERY_TIMEOUT",
      "The query ran past its time limit; narrow the range or filters",
      { cause: error },
    );
  }
  if (code === "241" || /MEMORY_LIMIT_EXCEEDED|Memory limit/i.test(message)) {
    return new ApiError(
      503,
      "QUERY_MEMORY_LIMIT",
      "The query needed more memory than its limit; narrow the range or filters",
      { cause: error },
    );
  }
  return new ApiError(502, "CLICKHOUSE_FAILED", `ClickHouse could not answer: ${message}`, {
    cause: error,
  });
}
