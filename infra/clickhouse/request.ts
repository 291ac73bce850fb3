/**
 * Pure translation of a ClickHouse HTTP-interface request into what the embedded engine runs:
 * the SQL, the statements that set up and tear down its context (settings, query parameters,
 * current database), the output format and how an INSERT body may be split.
 * @module
 */

import { ClickHouseException } from "./errors.ts";

/** One HTTP request, reduced to what decides which statements the engine runs. */
export interface ChRequest {
  /** The `query` URL parameter (or form field); the body, when present, is appended to it. */
  urlQuery: string;
  /** Database to run in, from the `database` parameter or `X-ClickHouse-Database` header. */
  database?: string;
  /** Query id to report back: the client's `query_id` or a generated one. */
  queryId: string;
  /** Format used when the SQL has no FORMAT clause (`default_format`, else TabSeparated). */
  defaultFormat: string;
  /** `{name:Type}` values from `param_<name>`, in the escaped text form the client sends. */
  params: Record<string, string>;
  /** Query-level settings, every URL parameter that is not an HTTP-interface option. */
  settings: Record<string, string>;
  /** Whether the response body should be gzip-compressed. */
  gzipResponse: boolean;
  /** `Content-Encoding` of the request body, lower-cased, when present. */
  bodyEncoding?: string;
  /** The `readonly` parameter, when the client sent one (see access.ts effectiveReadonly). */
  readonly?: string;
}

// URL parameters the HTTP handler itself consumes; everything else is a setting.
const HTTP_OPTIONS = new Set([
  "query",
  "database",
  "default_format",
  "query_id",
  "session_id",
  "session_timeout",
  "session_check",
  "user",
  "password",
  "quota_key",
  "buffer_size",
  "wait_end_of_query",
  "compress",
  "decompress",
  "role",
  "stacktrace",
  "client_protocol_version",
  "http_native_compression_disable_checksumming_on_decompress",
  // A real setting, but it only steers this HTTP layer; the engine never compresses.
  "enable_http_compression",
  // Per-query on clickhouse-server; on the one shared engine session a readonly value would
  // forbid the SET that restores the default, so access.ts enforces it instead.
  "readonly",
]);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads the URL, headers and any form fields of a request. Rejects names that could not be a
 * setting or parameter, so they never reach SQL text.
 *
 * @example
 * ```ts
 * import { parseRequest } from "./request.ts";
 * const req = parseRequest(
 *   new URL("http://h/?query=SELECT+1&param_n=5&max_threads=2"),
 *   new Headers(),
 *   { newQueryId: () => "q1" },
 * );
 * if (req.params.n !== "5" || req.settings.max_threads !== "2") throw new Error("unexpected");
 * ```
 */
export function parseRequest(
  url: URL,
  headers: Headers,
  options: { newQueryId: () => string; form?: Iterable<[string, string]> },
): ChRequest {
  const entries = [...url.searchParams.entries(), ...(options.form ?? [])];
  const params: Record<string, string> = {};
  const settings: Record<string, string> = {};
  let urlQuery = "";
  let database = headers.get("x-clickhouse-database") ?? undefined;
  let queryId = "";
  let defaultFormat = headers.get("x-clickhouse-format") ?? "TabSeparated";
  let compression = "0";
  let readonly: string | undefined;
  for (const [key, value] of entries) {
    if (key === "query") urlQuery = value;
    else if (key === "readonly") readonly = value;
    else if (key === "enable_http_compression") compression = value;
    else if (key === "database") database = value;
    else if (key === "query_id") queryId = value;
    else if (key === "default_format") defaultFormat = value;
    else if (key.startsWith("param_")) params[checkName(key.slice(6), "parameter")] = value;
    else if (!HTTP_OPTIONS.has(key)) settings[checkName(key, "setting")] = value;
  }
  if (database === "" || database === "default") database = undefined;
  const acceptsGzip = /\bgzip\b/i.test(headers.get("accept-encoding") ?? "");
  return {
    urlQuery,
    database,
    queryId: queryId || options.newQueryId(),
    defaultFormat,
    params,
    settings,
    gzipResponse: acceptsGzip && compression !== "0",
    bodyEncoding: headers.get("content-encoding")?.toLowerCase() || undefined,
    ...(readonly === undefined ? {} : { readonly }),
  };
}

function checkName(name: string, kind: "setting" | "parameter"): string {
  if (NAME.test(name)) return name;
  throw new ClickHouseException(
    kind === "setting" ? 115 : 36,
    kind === "setting" ? "UNKNOWN_SETTING" : "BAD_ARGUMENTS",
    `Invalid ${kind} name ${JSON.stringify(name)}: expected letters, digits and underscores`,
  );
}

/** Quotes a string as a ClickHouse SQL literal. */
export function quoteString(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/** Quotes a name as a ClickHouse identifier. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll("\\", "\\\\").replaceAll("`", "\\`")}\``;
}

/** Statements run before and after a request's SQL, so no request sees another's context. */
export interface ContextPlan {
  /** Statements to run first, in order. */
  setup: string[];
  /** Statements that restore the session defaults afterwards. */
  cleanup: string[];
  /** Whether query parameters were set and must be cleared afterwards. */
  clearParams: boolean;
}

/**
 * Plans the session statements that give one request its settings, parameters and database.
 * Parameters go through `SET param_x = '<text>'`, which hands the engine the exact escaped text
 * the client sent, so the engine parses it by the placeholder's type as clickhouse-server does.
 */
export function planContext(req: ChRequest): ContextPlan {
  const setup: string[] = [];
  const cleanup: string[] = [];
  const settingNames = Object.keys(req.settings);
  if (settingNames.length > 0) {
    setup.push(
      `SET ${settingNames.map((k) => `${k} = ${quoteString(req.settings[k]!)}`).join(", ")}`,
    );
    cleanup.push(`SET ${settingNames.map((k) => `${k} = DEFAULT`).join(", ")}`);
  }
  const paramNames = Object.keys(req.params);
  if (paramNames.length > 0) {
    setup.push(
      `SET ${paramNames.map((k) => `param_${k} = ${quoteString(req.params[k]!)}`).join(", ")}`,
    );
  }
  if (req.database !== undefined) {
    setup.push(`USE ${quoteIdentifier(req.database)}`);
    cleanup.push("USE default");
  }
  return { setup, cleanup, clearParams: paramNames.length > 0 };
}

/** Joins the URL query and the body the way the HTTP interface does: URL text first. */
export function joinQuery(urlQuery: string, body: string): string {
  if (urlQuery === "") return body;
  if (body === "") return urlQuery;
  return `${urlQuery}\n${body}`;
}

const TRAILING_FORMAT = /\bFORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/i;
const LEADING_INSERT = /^\s*INSERT\b/i;

/** The format of the response body: a trailing FORMAT clause of a non-INSERT, else the default. */
export function outputFormat(sql: string, defaultFormat: string): string {
  if (LEADING_INSERT.test(sql)) return defaultFormat;
  return TRAILING_FORMAT.exec(sql)?.[1] ?? defaultFormat;
}

// Formats in which a raw newline always ends a row, so the body may be cut at any newline.
const LINE_FORMATS = new Set([
  "jsoneachrow",
  "jsonlines",
  "ndjson",
  "jsoncompacteachrow",
  "jsonstringseachrow",
  "jsoncompactstringseachrow",
  "tabseparated",
  "tsv",
]);

/** An INSERT whose rows come in the request body (see {@link bodyInsert}). */
export interface BodyInsert {
  /** The statement, from the URL. */
  statement: string;
  /**
   * Whether the body may be cut at any newline into several inserts: a line format without a
   * deduplication token (a token must cover the whole body in one insert).
   */
  splittable: boolean;
}

/**
 * When the URL query is an `INSERT ... FORMAT <format>` (not VALUES, whose data is SQL) whose
 * rows come in the body, says how the body may be handed to the engine; otherwise undefined.
 */
export function bodyInsert(req: ChRequest): BodyInsert | undefined {
  if (!LEADING_INSERT.test(req.urlQuery)) return undefined;
  const format = TRAILING_FORMAT.exec(req.urlQuery)?.[1]?.toLowerCase();
  if (format === undefined || format === "values") return undefined;
  return {
    statement: req.urlQuery.trim(),
    splittable: LINE_FORMATS.has(format) && req.settings.insert_deduplication_token === undefined,
  };
}

const CONTENT_TYPES: Array<[RegExp, string]> = [
  [/^(TabSeparated|TSV)/i, "text/tab-separated-values; charset=UTF-8"],
  [/^CSV/i, "text/csv; charset=UTF-8; header=absent"],
  [/^(JSON|NDJSON)/i, "application/json; charset=UTF-8"],
  [/^(Parquet|Arrow|ArrowStream|Native|RowBinary|ORC|Avro)/i, "application/octet-stream"],
];

/** The Content-Type clickhouse-server would send for a format. */
export function contentTypeFor(format: string): string {
  for (const [pattern, type] of CONTENT_TYPES) if (pattern.test(format)) return type;
  return "text/plain; charset=UTF-8";
}

/** Query summary in the shape of the `X-ClickHouse-Summary` header (all values as strings). */
export function summaryHeader(s: {
  readRows: number;
  readBytes: number;
  writtenRows: number;
  writtenBytes: number;
  resultRows: number;
  resultBytes: number;
  elapsedNs: number;
}): string {
  return JSON.stringify({
    read_rows: String(s.readRows),
    read_bytes: String(s.readBytes),
    written_rows: String(s.writtenRows),
    written_bytes: String(s.writtenBytes),
    total_rows_to_read: String(s.readRows),
    result_rows: String(s.resultRows),
    result_bytes: String(s.resultBytes),
    elapsed_ns: String(Math.round(s.elapsedNs)),
  });
}
