/**
 * The HTTP adapter: a `Request => Response` function that speaks clickhouse-server's HTTP
 * interface over an {@link Engine}. Translation decisions live in request.ts.
 * @module
 */

import { checkStatement, guardInlineData, infileInsert } from "./statement.ts";
import {
  type AccessPolicy,
  authenticate,
  checkHostAndOrigin,
  checkSettings,
  credentialsOf,
  effectiveReadonly,
  type User,
} from "./access.ts";
import type { Engine, EngineResult, EngineRunner } from "./engine.ts";
import {
  ClickHouseException,
  exceptionBody,
  httpStatusFor,
  toClickHouseException,
} from "./errors.ts";
import { chunkLines, countRows } from "./lines.ts";
import type { Spool, SpoolFile } from "./spool.ts";
import {
  type BodyInsert,
  bodyInsert,
  type ChRequest,
  contentTypeFor,
  joinQuery,
  outputFormat,
  parseRequest,
  planContext,
  summaryHeader,
} from "./request.ts";

/** Options for {@link createHandler}. */
export interface HandlerOptions {
  /** Where INSERT bodies are spooled for the engine to read (see spool.ts); the stand-in's own. */
  spool: Spool;
  /** Sent as `X-ClickHouse-Server-Display-Name`; defaults to "eventflow-clickhouse". */
  displayName?: string;
  /** Generates query ids for requests without one; defaults to `crypto.randomUUID`. */
  newQueryId?: () => string;
  /** Target size of one INSERT statement when a line-delimited body is split; 8 MiB. */
  insertChunkBytes?: number;
}

interface Outcome {
  result: EngineResult;
  format: string;
  writtenRows: number;
  writtenBytes: number;
}

const decoder = new TextDecoder();

/** Who is asking, as decided before the engine is touched. */
interface Caller {
  user: User;
  readonly: 0 | 1 | 2;
  method: string;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
}

/**
 * Builds the request handler. Query work is serialised by the engine; `/ping` and `/healthz`
 * never wait for it. Every query is checked against `access` first: Host and Origin, user and
 * password, read-only level, disabled functions and per-query limits.
 */
export function createHandler(
  engine: Engine,
  access: AccessPolicy,
  options: HandlerOptions,
): (request: Request) => Promise<Response> {
  const displayName = options.displayName ?? "eventflow-clickhouse";
  const newQueryId = options.newQueryId ?? (() => crypto.randomUUID());
  const insertChunkBytes = options.insertChunkBytes ?? 8 * 1024 * 1024;
  const baseHeaders = { "X-ClickHouse-Server-Display-Name": displayName };

  return async function clickHouseHttp(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/ping") return text("Ok.\n", baseHeaders);
    if (url.pathname === "/healthz") return text("ok\n", baseHeaders);
    if (url.pathname !== "/") {
      return text(`There is no handle ${url.pathname}\n`, baseHeaders, 404);
    }
    if (request.method === "GET" && !url.searchParams.has("query")) {
      return text("Ok.\n", baseHeaders);
    }
    let queryId = url.searchParams.get("query_id") || "";
    try {
      checkHostAndOrigin(request.headers, access.allowedHosts);
      const user = await authenticate(access.users, credentialsOf(url, request.headers));
      const form = await readForm(request);
      const parsed = parseRequest(url, request.headers, { newQueryId, form });
      queryId = parsed.queryId;
      const readonly = effectiveReadonly(user, {
        method: request.method,
        requested: parsed.readonly,
      });
      const settings = checkSettings(parsed.settings, { user, readonly, limits: access.limits });
      const req = { ...parsed, settings };
      const caller: Caller = { user, readonly, method: request.method, signal: request.signal };
      const body = form === undefined ? decodedBody(request, req.bodyEncoding) : null;
      const outcome = await execute(engine, req, body, {
        insertChunkBytes,
        caller,
        access,
        spool: options.spool,
      });
      return success(req, outcome, baseHeaders);
    } catch (error) {
      const exception = toClickHouseException(error);
      return text(exceptionBody(exception, engine.version), {
        ...baseHeaders,
        "X-ClickHouse-Query-Id": queryId,
        "X-ClickHouse-Exception-Code": String(exception.code),
      }, httpStatusFor(exception));
    }
  };
}

interface ExecuteOptions {
  insertChunkBytes: number;
  spool: Spool;
  caller: Caller;
  access: AccessPolicy;
}

/**
 * Has the engine parse `analysed` and checks the statement; returns the text to run, with inline
 * INSERT data made safe. Runs inside the caller's exclusive turn.
 */
async function vet(
  runner: EngineRunner,
  analysed: string,
  sql: string,
  opts: ExecuteOptions,
): Promise<string> {
  const formatted = await runner.formatQuery(analysed);
  checkStatement(formatted, { ...opts.caller, limits: opts.access.limits });
  return guardInlineData(sql, formatted);
}

function exclusiveOptions(opts: ExecuteOptions) {
  // A request that waited longer than it would be allowed to run is answered without running.
  return {
    signal: opts.caller.signal,
    maxWaitMs: opts.access.limits.maxExecutionTime * 1000,
  };
}

async function execute(
  engine: Engine,
  req: ChRequest,
  body: ReadableStream<Uint8Array> | null,
  opts: ExecuteOptions,
): Promise<Outcome> {
  const insert = body === null ? undefined : bodyInsert(req);
  if (body !== null && insert !== undefined) {
    return await insertFromSpool(engine, req, body, insert, opts);
  }
  const bodyBytes = body === null ? new Uint8Array() : await new Response(body).bytes();
  const sql = joinQuery(req.urlQuery, decoder.decode(bodyBytes));
  if (sql.trim() === "") throw new ClickHouseException(62, "SYNTAX_ERROR", "Empty query");
  const format = outputFormat(sql, req.defaultFormat);
  const isInsertWithData = req.urlQuery !== "" && bodyBytes.length > 0 &&
    /^\s*INSERT\b/i.test(req.urlQuery);
  // The URL holds the statement and the body only data: only the statement needs parsing.
  const analysed = isInsertWithData ? req.urlQuery : sql;
  const result = await engine.exclusive(async (runner) => {
    const safe = await vet(runner, analysed, sql, opts);
    return await inContext(runner, req, safe, format);
  }, exclusiveOptions(opts));
  return {
    result,
    format,
    writtenRows: isInsertWithData ? countRows(bodyBytes) : 0,
    writtenBytes: isInsertWithData ? bodyBytes.length : 0,
  };
}

// The body goes to a spool file the engine reads itself (see spool.ts). A splittable body is cut
// into chunks of about insertChunkBytes, each taking the engine on its own, so other clients'
// queries interleave with a long insert and only one chunk is held in memory; a whole body
// (deduplication token, non-line format) streams to one file.
async function insertFromSpool(
  engine: Engine,
  req: ChRequest,
  body: ReadableStream<Uint8Array>,
  insert: BodyInsert,
  opts: ExecuteOptions,
): Promise<Outcome> {
  const started = performance.now();
  let writtenRows = 0;
  let writtenBytes = 0;
  let last: EngineResult | undefined;
  let formatted: string | undefined;
  const run = async (file: SpoolFile | null) => {
    last = await engine.exclusive(async (runner) => {
      formatted ??= await runner.formatQuery(insert.statement);
      checkStatement(formatted, { ...opts.caller, limits: opts.access.limits });
      // An empty body inserts nothing, but its statement is still checked.
      if (file === null) return undefined;
      const sql = infileInsert(formatted, file.path) ??
        guardInlineData(`${insert.statement}\n${await Deno.readTextFile(file.path)}`, formatted);
      return await inContext(runner, req, sql, req.defaultFormat);
    }, exclusiveOptions(opts)) ?? last;
    writtenRows += file?.rows ?? 0;
    writtenBytes += file?.bytes ?? 0;
  };
  const pieces = insert.splittable ? chunkLines(body, opts.insertChunkBytes) : null;
  if (pieces === null) {
    await using file = await opts.spool.write(body);
    await run(file.bytes === 0 ? null : file);
  } else {
    for await (const chunk of pieces) {
      await using file = await opts.spool.write([chunk]);
      await run(file.rows === 0 ? null : file);
    }
    if (formatted === undefined) await run(null);
  }
  const result = last ?? { bytes: new Uint8Array(), rowsRead: 0, bytesRead: 0, elapsedSec: 0 };
  return {
    result: { ...result, elapsedSec: (performance.now() - started) / 1000 },
    format: req.defaultFormat,
    writtenRows,
    writtenBytes,
  };
}

async function inContext(
  runner: EngineRunner,
  req: ChRequest,
  sql: string,
  format: string,
): Promise<EngineResult> {
  const plan = planContext(req);
  try {
    for (const statement of plan.setup) await runner.query(statement, "TabSeparated");
    return await runner.query(sql, format);
  } finally {
    // Best effort: a setting the engine refused during setup fails here too, and that is fine.
    for (const statement of plan.cleanup) {
      await runner.query(statement, "TabSeparated").catch(() => {});
    }
    if (plan.clearParams) await runner.clearParams();
  }
}

async function readForm(request: Request): Promise<Array<[string, string]> | undefined> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) return undefined;
  const form = await request.formData();
  const fields: Array<[string, string]> = [];
  for (const [key, value] of form.entries()) {
    fields.push([key, typeof value === "string" ? value : await value.text()]);
  }
  return fields;
}

function decodedBody(
  request: Request,
  encoding: string | undefined,
): ReadableStream<Uint8Array> | null {
  if (request.body === null) return null;
  if (encoding === undefined || encoding === "identity") return request.body;
  if (encoding === "gzip" || encoding === "x-gzip" || encoding === "deflate") {
    const format = encoding === "deflate" ? "deflate" : "gzip";
    return request.body.pipeThrough(new DecompressionStream(format));
  }
  throw new ClickHouseException(
    36,
    "BAD_ARGUMENTS",
    `Unsupported Content-Encoding "${encoding}": this stand-in accepts gzip and deflate`,
  );
}

function success(req: ChRequest, outcome: Outcome, base: Record<string, string>): Response {
  const { result, format } = outcome;
  const headers: Record<string, string> = {
    ...base,
    "Content-Type": contentTypeFor(format),
    "X-ClickHouse-Query-Id": req.queryId,
    "X-ClickHouse-Format": format,
    "X-ClickHouse-Summary": summaryHeader({
      readRows: result.rowsRead,
      readBytes: result.bytesRead,
      writtenRows: outcome.writtenRows,
      writtenBytes: outcome.writtenBytes,
      resultRows: 0,
      resultBytes: result.bytes.length,
      elapsedNs: result.elapsedSec * 1e9,
    }),
  };
  if (!req.gzipResponse) return new Response(result.bytes, { headers });
  headers["Content-Encoding"] = "gzip";
  const stream = new Blob([result.bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(stream, { headers });
}

function text(body: string, headers: Record<string, string>, status = 200): Response {
  return new Response(body, {
    status,
    headers: { ...headers, "Content-Type": "text/plain; charset=UTF-8" },
  });
}
