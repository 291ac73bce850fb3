/**
 * What one statement may do, judged on the canonical single-line text the engine's own parser
 * produced (`formatQuerySingleLine`: no comments, `'...'` strings, a multi-statement already
 * refused): read or write, disabled functions and engines, limit settings, and the inline INSERT
 * data the embedded engine would otherwise split into further statements. Pure.
 * @module
 */

import {
  accessDenied,
  checkSettingValue,
  type Limits,
  readonlyError,
  type User,
} from "./access.ts";
import { ClickHouseException } from "./errors.ts";
import { quoteString } from "./request.ts";

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
    if (next?.text === "=" && tokens[i + 2] !== undefined) {
      checkSettingValue(name, tokens[i + 2]!.text, opts.limits);
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

const NAME = "(?:[A-Za-z_][A-Za-z0-9_]*|`(?:[^`\\\\]|\\\\.)*`)";
// Exactly a plain INSERT of body data, as the engine's parser prints it: a table, optionally a
// list of plain column names, and the format. Anything else (SETTINGS, FUNCTION, SELECT, `*`)
// keeps the inline path.
const PLAIN_BODY_INSERT = new RegExp(
  `^INSERT INTO (${NAME}(?:\\.${NAME})?(?: \\(${NAME}(?:, ${NAME})*\\))?) FORMAT ([A-Za-z0-9_]+)$`,
);

/**
 * The stand-in's own statement that inserts the rows of the spooled file `path` as `formatted`
 * (the user's vetted `INSERT INTO t [(cols)] FORMAT F`, as the engine parsed it) would insert them
 * inline: same table, columns, format and settings, parsed by the format's reader, not the SQL
 * lexer. Undefined for any other statement shape and for VALUES (whose inline data is SQL).
 * Never built from user text: user SQL with `FROM INFILE` is refused by {@link checkStatement}.
 */
export function infileInsert(formatted: string, path: string): string | undefined {
  const match = PLAIN_BODY_INSERT.exec(formatted.trim());
  if (match === null || /^Values$/i.test(match[2]!)) return undefined;
  return `INSERT INTO ${match[1]} FROM INFILE ${quoteString(path)} COMPRESSION 'none' FORMAT ${
    match[2]
  }`;
}
