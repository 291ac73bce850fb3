/**
 * The HTTP adapter: a `Request => Response` function that speaks clickhouse-server's HTTP
 * interface over an {@link Engine}. Translation decisions live in request.ts.
 * @module
 */

import type { Engine, EngineResult, EngineRunner } from "./engine.ts";
import {
  ClickHouseException,
  exceptionBody,
  httpStatusFor,
  toClickHouseException,
} from "./errors.ts";
import { chunkLines, countRows } from "./lines.ts";
import {
  type ChRequest,
  contentTypeFor,
  joinQuery,
  outputFormat,
  parseRequest,
  planContext,
  splittableInsert,
  summaryHeader,
} from "./request.ts";

/** Options for {@link createHandler}. */
export interface HandlerOptions {
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

/**
 * Builds the request handler. Query work is serialised by the engine; `/ping` and `/healthz`
 * never wait for it.
 */
export function createHandler(
  engine: Engine,
  options: HandlerOptions = {},
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
      const form = await readForm(request);
      const req = parseRequest(url, request.headers, { newQueryId, form });
      queryId = req.queryId;
      const body = form === undefined ? decodedBody(request, req.bodyEncoding) : null;
      const outcome = await execute(engine, req, body, insertChunkBytes);
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

async function execute(
  engine: Engine,
  req: ChRequest,
  body: ReadableStream<Uint8Array> | null,
  insertChunkBytes: number,
): Promise<Outcome> {
  const insertPrefix = body === null ? undefined : splittableInsert(req);
  if (body !== null && insertPrefix !== undefined) {
    return await insertInChunks(engine, req, body, insertPrefix, insertChunkBytes);
  }
  const bodyBytes = body === null ? new Uint8Array() : await new Response(body).bytes();
  const sql = joinQuery(req.urlQuery, decoder.decode(bodyBytes));
  if (sql.trim() === "") throw new ClickHouseException(62, "SYNTAX_ERROR", "Empty query");
  const format = outputFormat(sql, req.defaultFormat);
  const isInsertWithData = req.urlQuery !== "" && bodyBytes.length > 0 &&
    /^\s*INSERT\b/i.test(req.urlQuery);
  const result = await engine.exclusive((runner) => inContext(runner, req, sql, format));
  return {
    result,
    format,
    writtenRows: isInsertWithData ? countRows(bodyBytes) : 0,
    writtenBytes: isInsertWithData ? bodyBytes.length : 0,
  };
}

// Each chunk takes the engine on its own, so other clients' queries interleave with a long
// insert and only one chunk of the body is held in memory.
async function insertInChunks(
  engine: Engine,
  req: ChRequest,
  body: ReadableStream<Uint8Array>,
  prefix: string,
  chunkBytes: number,
): Promise<Outcome> {
  const started = performance.now();
  let writtenRows = 0;
  let writtenBytes = 0;
  let last: EngineResult | undefined;
  for await (const chunk of chunkLines(body, chunkBytes)) {
    const rows = countRows(chunk);
    if (rows === 0) continue;
    const sql = `${prefix}\n${decoder.decode(chunk)}`;
    last = await engine.exclusive((runner) => inContext(runner, req, sql, req.defaultFormat));
    writtenRows += rows;
    writtenBytes += chunk.length;
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
