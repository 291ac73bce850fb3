/**
 * Telling a store's "this data is bad" (dead-letter the row) from "the store is unavailable"
 * (wait and retry the same batch). Anything not known to be about content is treated as an
 * outage: retrying a bad row forever is visible and safe, dead-lettering good rows is not.
 */

// ClickHouse codes raised while parsing or converting inserted values.
const CLICKHOUSE_CONTENT_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  32, // ATTEMPT_TO_READ_AFTER_EOF
  33, // CANNOT_READ_ALL_DATA
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  131, // TOO_LARGE_STRING_SIZE
  190, // SIZES_OF_ARRAYS_DONT_MATCH
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  407, // DECIMAL_OVERFLOW
  467, // CANNOT_PARSE_BOOL
]);

/** The numeric ClickHouse exception code of an error, when it carries one. */
export function clickHouseCode(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^\d+$/.test(code)) return Number(code);
  if (typeof code === "number") return code;
  const message = error instanceof Error ? error.message : String(error);
  const match = /\bCode: (\d+)\. DB::Exception/.exec(message);
  return match ? Number(match[1]) : null;
}

/** True when ClickHouse refused an insert because of the values in it. */
export function isClickHouseContentError(error: unknown): boolean {
  const code = clickHouseCode(error);
  return code !== null && CLICKHOUSE_CONTENT_CODES.has(code);
}

/** The SQLSTATE of a PostgreSQL error, when it carries one. */
export function sqlState(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * True when PostgreSQL refused a write for its data: class 22 (data exception: overflow, bad
 * text, NUL in jsonb…), class 23 (check, not-null, foreign key) or class 54 (program limit
 * exceeded: a value too large for its index, 54000 "index row requires N bytes"). Without 54 a
 * 10 KB order id was an outage: the same batch retried forever and the lane stopped for every
 * partition; as content the bisect isolates and dead-letters that one row. Unique violations
 * (23505) are excluded: every statement handles its conflicts, so one means a bug, not bad data.
 */
export function isPostgresContentError(error: unknown): boolean {
  const state = sqlState(error);
  if (state === null) return false;
  if (state === "23505") return false;
  return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
}
