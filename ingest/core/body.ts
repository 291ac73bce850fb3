/**
 * Reading a request body under size caps, while it streams in: a client sending 1 GB (or a gzip
 * bomb) is cut off at the cap instead of being buffered first.
 */
import { IngestError } from "./errors.ts";

/** Limits and encoding for {@link readBody}. */
export interface ReadBodyOptions {
  /** Largest accepted body in bytes after decompression. */
  maxBytes: number;
  /** Largest accepted body in bytes on the wire (compressed); defaults to `maxBytes`. */
  maxWireBytes?: number;
  /** The `Content-Encoding` header (`gzip`, `identity` or absent). */
  contentEncoding?: string | null;
  /** The `Content-Length` header, checked before reading anything. */
  contentLength?: string | null;
}

const decoder = new TextDecoder();

function tooLarge(limit: number, what: string): IngestError {
  return new IngestError(
    413,
    "PAYLOAD_TOO_LARGE",
    `Request body is larger than the ${limit}-byte limit${what}; send fewer or smaller events`,
    { field: "body" },
  );
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  onOverflow: () => IngestError,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        // Cancelling stops the upload (and the decompressor) instead of draining it.
        await reader.cancel().catch(() => {});
        throw onOverflow();
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Wraps a byte stream so that more than `limit` bytes makes it error with a 413. */
function capped(stream: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
  let total = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > limit) {
          controller.error(tooLarge(limit, " on the wire (compressed)"));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * The decompressor turns each input chunk into one output chunk, all at once: a 64 KiB network
 * chunk of a gzip bomb became one ~64 MiB allocation before any cap was checked. Feeding it
 * slices of at most this many bytes bounds each output chunk to ~1 MiB (deflate's ratio is at
 * most ~1032:1), so the decompressed cap is enforced before memory grows past it.
 */
const INFLATE_SLICE_BYTES = 1024;

function sliced(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        for (let at = 0; at < chunk.byteLength; at += INFLATE_SLICE_BYTES) {
          controller.enqueue(chunk.subarray(at, at + INFLATE_SLICE_BYTES));
        }
      },
    }),
  );
}

/** Reads the body as UTF-8 text, enforcing the wire and decompressed caps as bytes arrive. */
export async function readBody(
  body: ReadableStream<Uint8Array> | null,
  opts: ReadBodyOptions,
): Promise<string> {
  const maxWire = opts.maxWireBytes ?? opts.maxBytes;
  const encoding = (opts.contentEncoding ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "") {
    throw new IngestError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Encoding "${encoding}" is not supported; send gzip or uncompressed JSON`,
      { field: "content-encoding" },
    );
  }
  const gzip = encoding === "gzip";
  const declared = Number(opts.contentLength ?? NaN);
  if (Number.isFinite(declared) && declared > (gzip ? maxWire : opts.maxBytes)) {
    throw tooLarge(gzip ? maxWire : opts.maxBytes, gzip ? " on the wire (compressed)" : "");
  }
  if (body === null) return "";
  if (!gzip) {
    return decoder.decode(await collect(body, opts.maxBytes, () => tooLarge(opts.maxBytes, "")));
  }
  const inflated = sliced(capped(body, maxWire)).pipeThrough(
    new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
  try {
    const bytes = await collect(
      inflated,
      opts.maxBytes,
      () => tooLarge(opts.maxBytes, " after gzip decompression"),
    );
    return decoder.decode(bytes);
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw new IngestError(
      400,
      "INVALID_GZIP",
      "Request body is not valid gzip data although Content-Encoding is gzip",
      { field: "body", cause: error },
    );
  }
}

/**
 * Reads a request's body like {@link readBody}, but an uncompressed body whose Content-Length is
 * within the cap is read in one native call instead of through a JS stream reader (most of the
 * per-request cost of a small event). The HTTP server frames the body by that length; the size is
 * still checked after reading in case a caller built a Request whose header lies.
 */
export async function readRequestBody(
  request: Pick<Request, "body" | "arrayBuffer">,
  opts: ReadBodyOptions,
): Promise<string> {
  const encoding = opts.contentEncoding?.trim().toLowerCase() ?? "";
  const declared = opts.contentLength == null || opts.contentLength.trim() === ""
    ? NaN
    : Number(opts.contentLength);
  const fast = (encoding === "" || encoding === "identity") && Number.isSafeInteger(declared) &&
    declared >= 0 && declared <= opts.maxBytes;
  if (!fast || request.body === null) return readBody(request.body, opts);
  const bytes = await request.arrayBuffer();
  if (bytes.byteLength > opts.maxBytes) throw tooLarge(opts.maxBytes, "");
  return decoder.decode(bytes);
}

/** Deepest nesting of objects and arrays a body may have, the body itself counting as one. */
export const MAX_JSON_DEPTH = 32;

const OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d, OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22, BACKSLASH = 0x5c, COLON = 0x3a, COMMA = 0x2c;

/** Where the scanner is inside one object or array. */
interface Frame {
  array: boolean;
  /** The current key (objects) or index (arrays). */
  at: string | number | null;
}

function pathOf(frames: Frame[]): string {
  let path = "";
  for (const frame of frames) {
    if (frame.at === null) break;
    if (typeof frame.at === "number") path += `[${frame.at}]`;
    else {
      const key = frame.at.length > 40 ? `${frame.at.slice(0, 40)}…` : frame.at;
      path += path === "" ? key : `.${key}`;
    }
  }
  return path === "" ? "body" : path;
}

/**
 * Refuses text nesting objects and arrays deeper than `max` levels, before it is parsed: a deep
 * structure would later blow the stack of code walking it (validation, masking, serializing).
 * Scans the raw text (strings skipped), so nothing recursive runs on it; malformed text is left to
 * the parser to report. The 400 names the path of the first container past the limit.
 */
export function checkJsonDepth(text: string, max = MAX_JSON_DEPTH): void {
  const frames: Frame[] = [];
  let lastString: [number, number] | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let slashes = 0;
        for (let j = end - 1; text.charCodeAt(j) === BACKSLASH; j--) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return;
      lastString = [i, end + 1];
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (frames.length >= max) {
        throw new IngestError(
          400,
          "JSON_TOO_DEEP",
          `Field "${
            pathOf(frames)
          }" nests objects and arrays deeper than ${max} levels (counting the body); flatten the data`,
          { field: pathOf(frames) },
        );
      }
      frames.push({ array: c === OPEN_ARRAY, at: c === OPEN_ARRAY ? 0 : null });
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      frames.pop();
    } else if (c === COLON) {
      const frame = frames[frames.length - 1];
      if (frame !== undefined && !frame.array && lastString !== null) {
        try {
          frame.at = JSON.parse(text.slice(lastString[0], lastString[1])) as string;
        } catch {
          return;
        }
      }
    } else if (c === COMMA) {
      const frame = frames[frames.length - 1];
      if (frame !== undefined && frame.array) frame.at = (frame.at as number) + 1;
    }
  }
}

/** Parses JSON text, answering 400 INVALID_JSON with the parser's reason when it is not JSON. */
export function parseJson(text: string): unknown {
  checkJsonDepth(text);
  if (text.trim() === "") {
    throw new IngestError(400, "INVALID_JSON", "Request body is empty; send a JSON object", {
      field: "body",
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new IngestError(
      400,
      "INVALID_JSON",
      `Request body is not valid JSON: ${(error as Error).message}`,
      { field: "body" },
    );
  }
}

/** True for JSON media types (`application/json`, `*+json`), text/plain (sendBeacon) or none. */
export function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null || contentType.trim() === "") return true;
  const type = mediaType(contentType);
  return type === "application/json" || type === "text/plain" || type.endsWith("+json");
}

function mediaType(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/**
 * Parses a request body as JSON whatever its content type. Client libraries label JSON bodies
 * with other types (RudderStack's Node SDK posts gzip JSON as `application/x-www-form-urlencoded`,
 * axios' default for a Buffer), so the body decides: a body declared as JSON that does not parse
 * is a 400 INVALID_JSON; a body of another declared type that does not parse is a 415.
 */
export function parseBody(text: string, contentType: string | null): unknown {
  if (isJsonContentType(contentType)) return parseJson(text);
  checkJsonDepth(text);
  try {
    return JSON.parse(text);
  } catch {
    const type = mediaType(contentType!);
    throw new IngestError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Type "${type}" is not supported and the body is not JSON; send a JSON body (application/json, or text/plain from sendBeacon)`,
      { field: "content-type" },
    );
  }
}
