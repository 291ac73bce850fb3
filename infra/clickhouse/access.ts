/**
 * Who may do what on the stand-in, decided the way clickhouse-server decides it where the
 * embedded engine cannot: users with passwords, read-only users and GET requests, the table
 * functions and engines that reach files, URLs or other servers, per-query limits, and the
 * Host/Origin check that keeps web pages and DNS rebinding out. Pure: the handler asks the
 * engine to parse the SQL (`formatQuerySingleLine`) and passes the canonical text here.
 * @module
 */

import { ClickHouseException } from "./errors.ts";

/** One user of the stand-in. */
export interface User {
  name: string;
  /** SHA-256 of the password, lower-case hex (clickhouse-server's `password_sha256_hex`). */
  passwordSha256: string;
  /**
   * 0 reads and writes; 2 reads only but may pass settings (what Grafana and
   * `@clickhouse/client` need); 1 reads only with no settings (clickhouse-server's `readonly`).
   */
  readonly: 0 | 1 | 2;
}

/** Per-query limits: applied when a request sets none, and the most a request may ask for. */
export interface Limits {
  /** Seconds; the engine stops a query that runs longer (TIMEOUT_EXCEEDED). */
  maxExecutionTime: number;
  /** Bytes; the engine stops a query that allocates more (MEMORY_LIMIT_EXCEEDED). */
  maxMemoryUsage: number;
}

/** Everything {@link checkRequest} and {@link checkStatement} need to know. */
export interface AccessPolicy {
  users: User[];
  limits: Limits;
  /** Host names (without port) accepted in the Host header and in Origin, besides loopback. */
  allowedHosts: string[];
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

function accessDenied(message: string): ClickHouseException {
  return new ClickHouseException(497, "ACCESS_DENIED", message);
}

/**
 * Refuses a request whose Host is not this machine or an allowed name (DNS rebinding), or that a
 * browser sent from a page of another origin (`Origin` not loopback or allowed). Both 403.
 */
export function checkHostAndOrigin(headers: Headers, allowedHosts: readonly string[]): void {
  const allowed = (host: string) => LOOPBACK_HOSTS.has(host) || allowedHosts.includes(host);
  const host = headers.get("host");
  if (host !== null && !allowed(hostnameOf(host))) {
    throw accessDenied(
      `Host ${JSON.stringify(host)} is not allowed: use 127.0.0.1 or localhost, or add the name ` +
        "to CLICKHOUSE_ALLOWED_HOSTS",
    );
  }
  const origin = headers.get("origin");
  if (origin === null) return;
  let originHost: string | null = null;
  try {
    const url = new URL(origin);
    if (url.protocol === "http:" || url.protocol === "https:") originHost = url.hostname;
  } catch { /* "null" and other opaque origins */ }
  if (originHost === null || !allowed(originHost)) {
    throw accessDenied(
      `Cross-origin request from ${JSON.stringify(origin)} refused: web pages may not query ` +
        "ClickHouse",
    );
  }
}

function hostnameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(0, value.indexOf("]") + 1);
  const colon = value.indexOf(":");
  return colon < 0 ? value : value.slice(0, colon);
}

/** The user name and password a request presents, as clickhouse-server reads them. */
export function credentialsOf(url: URL, headers: Headers): { user: string; password: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(headers.get("authorization") ?? "");
  if (basic) {
    let decoded = "";
    try {
      decoded = new TextDecoder().decode(
        Uint8Array.from(atob(basic[1]!), (c) => c.charCodeAt(0)),
      );
    } catch {
      throw new ClickHouseException(
        516,
        "AUTHENTICATION_FAILED",
        "Invalid Basic authorization header",
      );
    }
    const colon = decoded.indexOf(":");
    return colon < 0
      ? { user: decoded, password: "" }
      : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return {
    user: headers.get("x-clickhouse-user") ?? url.searchParams.get("user") ?? "default",
    password: headers.get("x-clickhouse-key") ?? url.searchParams.get("password") ?? "",
  };
}

/** SHA-256 of a password as lower-case hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Finds the user whose name and password match; throws 516 AUTHENTICATION_FAILED otherwise. */
export async function authenticate(
  users: readonly User[],
  presented: { user: string; password: string },
): Promise<User> {
  const hash = await sha256Hex(presented.password);
  const user = users.find((u) => u.name === presented.user);
  // Compared in full either way, so the time taken does not tell how much of it matched.
  let diff = user === undefined ? 1 : 0;
  const expected = user?.passwordSha256 ?? "0".repeat(64);
  for (let i = 0; i < 64; i++) diff |= expected.charCodeAt(i) ^ hash.charCodeAt(i);
  if (user === undefined || diff !== 0) {
    throw new ClickHouseException(
      516,
      "AUTHENTICATION_FAILED",
      `${presented.user}: Authentication failed: password is incorrect, or there is no user with ` +
        "such name",
    );
  }
  return user;
}

/** How read-only one request is: the user's level, raised by GET (2) or a `readonly` parameter. */
export function effectiveReadonly(
  user: User,
  opts: { method: string; requested?: string },
): 0 | 1 | 2 {
  let level: 0 | 1 | 2 = user.readonly;
  if (opts.requested !== undefined) {
    const asked = Number(opts.requested);
    if (asked !== 0 && asked !== 1 && asked !== 2) {
      throw new ClickHouseException(
        36,
        "BAD_ARGUMENTS",
        `Invalid readonly value ${JSON.stringify(opts.requested)}: expected 0, 1 or 2`,
      );
    }
    if (user.readonly !== 0 && asked !== user.readonly) {
      throw readonlyError(user, "Cannot modify 'readonly' setting in readonly mode");
    }
    if (asked !== 0) level = asked;
  }
  if (opts.method === "GET" && level === 0) level = 2;
  return level;
}

function readonlyError(user: User, message: string): ClickHouseException {
  return new ClickHouseException(164, "READONLY", `${user.name}: ${message}`);
}

// Settings that bound a query; a request may lower them, never raise or remove them.
const LIMIT_SETTINGS = {
  max_execution_time: (l: Limits) => l.maxExecutionTime,
  max_memory_usage: (l: Limits) => l.maxMemoryUsage,
} as const;

function checkLimit(name: keyof typeof LIMIT_SETTINGS, value: string, limits: Limits): void {
  const max = LIMIT_SETTINGS[name](limits);
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    throw new ClickHouseException(
      452,
      "SETTING_CONSTRAINT_VIOLATION",
      `Setting ${name} shouldn't be greater than ${max} (got ${JSON.stringify(value)}; 0 means ` +
        "unlimited and is not allowed either)",
    );
  }
}

/**
 * Checks the URL settings of a request against its read-only level and the limits, and returns
 * them with the default limits added where the request set none.
 */
export function checkSettings(
  settings: Record<string, string>,
  opts: { user: User; readonly: 0 | 1 | 2; limits: Limits },
): Record<string, string> {
  const names = Object.keys(settings);
  if (opts.readonly === 1 && names.length > 0) {
    throw readonlyError(opts.user, `Cannot modify '${names[0]}' setting in readonly mode`);
  }
  for (const name of names) {
    if (name in LIMIT_SETTINGS) {
      checkLimit(name as keyof typeof LIMIT_SETTINGS, settings[name]!, opts.limits);
    }
  }
  return {
    max_execution_time: String(opts.limits.maxExecutionTime),
    max_memory_usage: String(opts.limits.maxMemoryUsage),
    ...settings,
  };
}

// Table functions, table/database engines and dictionary sources that read or write files, reach
// URLs or other servers, or run programs. The engine runs as the developer (often root).
const DENIED_FUNCTIONS = new Set(
  [
    "file",
    "fileCluster",
    "filesystem",
    "url",
    "urlCluster",
    "http",
    "s3",
    "s3Cluster",
    "s3Queue",
    "gcs",
    "oss",
    "cosn",
    "hdfs",
    "hdfsCluster",
    "hive",
    "remote",
    "remoteSecure",
    "cluster",
    "clusterAllReplicas",
    "distributed",
    "clickhouse",
    "mysql",
    "materializedMySQL",
    "postgresql",
    "materializedPostgreSQL",
    "mongodb",
    "redis",
    "sqlite",
    "jdbc",
    "odbc",
    "executable",
    "executablePool",
    "executable_pool",
    "azureBlobStorage",
    "azureBlobStorageCluster",
    "azureQueue",
    "deltaLake",
    "deltaLakeCluster",
    "hudi",
    "hudiCluster",
    "iceberg",
    "icebergS3",
    "icebergAzure",
    "icebergHDFS",
    "icebergLocal",
    "icebergCluster",
    "icebergS3Cluster",
    "paimon",
    "kafka",
    "rabbitmq",
    "nats",
    "fileLog",
    "arrowFlight",
    "ytsaurus",
    "dataLakeCatalog",
  ].map((name) => name.toLowerCase()),
);

const READ_KINDS = new Set(["SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN"]);

/** What {@link checkStatement} found in one statement. */
export interface StatementInfo {
  /** First keyword, upper-case: SELECT, INSERT, CREATE, SET, ... */
  kind: string;
  /** Whether the statement only reads. */
  readsOnly: boolean;
}

/**
 * Checks one statement, in the canonical single-line form the engine's parser produced
 * (`formatQuerySingleLine`: no comments, `'...'` strings, a multi-statement already refused),
 * against the request's read-only level and limits. Throws the error clickhouse-server would.
 */
export function checkStatement(
  formatted: string,
  opts: { user: User; readonly: 0 | 1 | 2; method: string; limits: Limits },
): StatementInfo {
  const tokens = tokenize(formatted);
  const words = tokens.filter((t) => t.type === "word");
  const kind = words[0]?.text.toUpperCase() ?? "";
  const readsOnly = READ_KINDS.has(kind);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type !== "word") continue;
    const next = tokens[i + 1];
    const name = token.text.toLowerCase();
    if (next?.text === "(" && next.adjacent && DENIED_FUNCTIONS.has(name)) {
      throw accessDenied(
        `${opts.user.name}: ${token.text}() is disabled on this server: it reaches files, URLs, ` +
          "other servers or programs",
      );
    }
    const upper = token.text.toUpperCase();
    if (
      (upper === "INTO" && next?.text.toUpperCase() === "OUTFILE") ||
      (upper === "FROM" && next?.text.toUpperCase() === "INFILE")
    ) {
      throw accessDenied(
        `${opts.user.name}: ${upper} ${next!.text.toUpperCase()} is disabled on this server: ` +
          "it reads or writes files on the server",
      );
    }
    if (name in LIMIT_SETTINGS && tokens[i + 2] !== undefined && next?.text === "=") {
      checkLimit(name as keyof typeof LIMIT_SETTINGS, tokens[i + 2]!.text, opts.limits);
    }
  }
  if (opts.readonly !== 0 && !readsOnly) {
    const hint = opts.method === "GET" && opts.user.readonly === 0
      ? ". For queries over HTTP, method GET implies readonly. You should use method POST for " +
        "modifying queries"
      : "";
    throw readonlyError(opts.user, `Cannot execute query in readonly mode${hint}`);
  }
  return { kind, readsOnly };
}

interface Token {
  type: "word" | "string" | "number" | "symbol";
  text: string;
  /** No whitespace between this token and the previous one. */
  adjacent: boolean;
}

/** Splits canonical SQL into words (quoted identifiers included), strings, numbers and symbols. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let adjacent = false;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      adjacent = false;
      continue;
    }
    if (c === "'" || c === "`" || c === '"') {
      let j = i + 1;
      let text = "";
      for (; j < sql.length && sql[j] !== c; j++) {
        if (sql[j] === "\\" && j + 1 < sql.length) j++;
        text += sql[j];
      }
      if (j >= sql.length) {
        throw new ClickHouseException(62, "SYNTAX_ERROR", "Unterminated quoted text in query");
      }
      tokens.push({ type: c === "'" ? "string" : "word", text, adjacent });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))![0];
      tokens.push({ type: "word", text: m, adjacent });
      i += m.length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9][0-9A-Za-z_.]*/.exec(sql.slice(i))![0];
      tokens.push({ type: "number", text: m, adjacent });
      i += m.length;
    } else {
      tokens.push({ type: "symbol", text: c, adjacent });
      i++;
    }
    adjacent = true;
  }
  return tokens;
}

const INSERT_WITH_DATA = /^INSERT\b.*\bFORMAT ([A-Za-z0-9_]+)$/i;
const JSON_ROWS =
  /^(JSONEachRow|JSONLines|NDJSON|JSONCompactEachRow|JSONStringsEachRow|JSONCompactStringsEachRow)$/i;
const BLANK_LINE = /\n[ \t\r]*(?=\n)/g;

/**
 * Makes the inline data of an INSERT safe to hand to the embedded engine, which (unlike
 * clickhouse-server) runs several statements per call: it ends a data block at a blank line, and
 * VALUES data at a `;`, and runs whatever follows as SQL. `formatted` is the statement as the
 * engine parsed it (without its data), `sql` the text that will run. JSON row formats lose their
 * blank lines (insignificant there); other formats with a blank line, and VALUES data with text
 * after a `;`, are refused.
 */
export function guardInlineData(sql: string, formatted: string): string {
  const format = INSERT_WITH_DATA.exec(formatted.trim())?.[1];
  if (format === undefined) return sql;
  if (/^Values$/i.test(format)) {
    if (/;\s*\S/.test(sql)) {
      throw new ClickHouseException(
        62,
        "SYNTAX_ERROR",
        "Multi-statements are not allowed: VALUES data may not contain ';' on this stand-in " +
          "(the embedded engine would run the text after it); send rows as JSONEachRow",
      );
    }
    return sql;
  }
  if (!/\n[ \t\r]*\n/.test(sql)) return sql;
  if (JSON_ROWS.test(format)) return sql.replace(BLANK_LINE, "");
  throw new ClickHouseException(
    36,
    "BAD_ARGUMENTS",
    `Blank lines in ${format} INSERT data are refused by this stand-in (the embedded engine ends ` +
      "the data there and runs what follows as SQL); remove them or send JSONEachRow",
  );
}
