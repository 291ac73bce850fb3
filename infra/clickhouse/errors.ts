/**
 * ClickHouse exceptions as the HTTP interface reports them: engine error text in, HTTP status,
 * exception code and response body out. Pure.
 * @module
 */

/** A ClickHouse exception with its stable numeric code and upper-case name. */
export class ClickHouseException extends Error {
  override name = "ClickHouseException";
  /** Numeric ClickHouse error code, e.g. 62 for SYNTAX_ERROR. */
  readonly code: number;
  /** Symbolic ClickHouse error name, e.g. "SYNTAX_ERROR". */
  readonly type: string;
  /** Whether retrying the same request can help (only true for engine-side timeouts). */
  readonly retriable: boolean;

  /** Builds an exception; `message` is the text after "DB::Exception: " without the type suffix. */
  constructor(code: number, type: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.type = type;
    this.retriable = type === "TIMEOUT_EXCEEDED" || type === "CANNOT_SCHEDULE_TASK";
  }
}

const ENGINE_ERROR = /Code: (\d+)\. DB::Exception: ([\s\S]*?)(?:\. \(([A-Z0-9_]+)\))?\s*$/;

/**
 * Turns whatever the engine threw into a {@link ClickHouseException}; text that does not carry a
 * ClickHouse code becomes code 1001 (STD_EXCEPTION), as the server reports foreign failures.
 */
export function toClickHouseException(error: unknown): ClickHouseException {
  if (error instanceof ClickHouseException) return error;
  const text = error instanceof Error ? error.message : String(error);
  const match = ENGINE_ERROR.exec(text);
  if (match) {
    const [, code = "0", message = "", type = "UNKNOWN_EXCEPTION"] = match;
    return new ClickHouseException(Number(code), type, message, { cause: error });
  }
  return new ClickHouseException(1001, "STD_EXCEPTION", text, { cause: error });
}

/** Formats the body clickhouse-server sends for a failed query. */
export function exceptionBody(error: ClickHouseException, version: string): string {
  return `Code: ${error.code}. DB::Exception: ${error.message}. (${error.type}) (version ${version})\n`;
}

// Mirrors src/Server/HTTP/exceptionCodeToHTTPStatus.cpp, keyed by name so no code numbers are
// guessed: every engine message carries its name.
const STATUS_BY_TYPE: Record<string, number> = {
  REQUIRED_PASSWORD: 401,
  USER_EXPIRED: 401,
  UNKNOWN_USER: 403,
  WRONG_PASSWORD: 403,
  AUTHENTICATION_FAILED: 403,
  SET_NON_GRANTED_ROLE: 403,
  ACCESS_DENIED: 403,
  QUERY_IS_TOO_LARGE: 413,
  NOT_IMPLEMENTED: 501,
  SOCKET_TIMEOUT: 503,
  CANNOT_OPEN_FILE: 503,
  CANNOT_SCHEDULE_TASK: 503,
  HTTP_LENGTH_REQUIRED: 411,
  TIMEOUT_EXCEEDED: 408,
  UNSUPPORTED_MEDIA_TYPE: 415,
};
for (
  const type of [
    "BAD_ARGUMENTS",
    "CANNOT_COMPILE_REGEXP",
    "CANNOT_PARSE_TEXT",
    "CANNOT_PARSE_ESCAPE_SEQUENCE",
    "CANNOT_PARSE_QUOTED_STRING",
    "CANNOT_PARSE_DATE",
    "CANNOT_PARSE_DATETIME",
    "CANNOT_PARSE_NUMBER",
    "CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING",
    "CANNOT_PARSE_IPV4",
    "CANNOT_PARSE_IPV6",
    "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
    "CANNOT_PARSE_UUID",
    "DUPLICATE_COLUMN",
    "ILLEGAL_COLUMN",
    "UNKNOWN_ELEMENT_IN_AST",
    "UNKNOWN_TYPE_OF_AST_NODE",
    "THERE_IS_NO_COLUMN",
    "TOO_DEEP_AST",
    "TOO_BIG_AST",
    "UNEXPECTED_AST_STRUCTURE",
    "SYNTAX_ERROR",
    "INCORRECT_DATA",
    "TYPE_MISMATCH",
    "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE",
  ]
) STATUS_BY_TYPE[type] = 400;
for (
  const type of [
    "UNKNOWN_TABLE",
    "UNKNOWN_FUNCTION",
    "UNKNOWN_IDENTIFIER",
    "UNKNOWN_TYPE",
    "UNKNOWN_STORAGE",
    "UNKNOWN_DATABASE",
    "UNKNOWN_SETTING",
    "UNKNOWN_DIRECTION_OF_SORTING",
    "UNKNOWN_AGGREGATE_FUNCTION",
    "UNKNOWN_FORMAT",
    "UNKNOWN_DATABASE_ENGINE",
    "UNKNOWN_TYPE_OF_QUERY",
    "UNKNOWN_ROLE",
  ]
) STATUS_BY_TYPE[type] = 404;

/** HTTP status clickhouse-server answers with for an exception of this type (500 otherwise). */
export function httpStatusFor(error: ClickHouseException): number {
  return STATUS_BY_TYPE[error.type] ?? 500;
}
