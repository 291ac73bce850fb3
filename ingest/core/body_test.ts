import assert from "node:assert/strict";
import { checkJsonDepth, parseBody, parseJson, readBody, readRequestBody } from "./body.ts";
import { IngestError } from "./errors.ts";

function streamOf(bytes: Uint8Array, chunk = 1024): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function rejection(promise: Promise<unknown>): Promise<IngestError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof IngestError, `expected IngestError, got ${error}`);
    return error;
  }
  throw new Error("expected a rejection");
}

Deno.test("readBody() returns plain and gzip bodies as text", async () => {
  const text = JSON.stringify({ event_type: "x" });
  assert.equal(await readBody(streamOf(new TextEncoder().encode(text)), { maxBytes: 100 }), text);
  const zipped = await gzip(text);
  assert.equal(await readBody(streamOf(zipped), { maxBytes: 100, contentEncoding: "gzip" }), text);
});

Deno.test("readBody() stops reading at the cap without consuming the rest of the stream", async () => {
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(1000));
    },
  });
  const error = await rejection(readBody(endless, { maxBytes: 10_000 }));
  assert.equal(error.status, 413);
  assert.equal(error.code, "PAYLOAD_TOO_LARGE");
  assert.equal(
    error.message,
    "Request body is larger than the 10000-byte limit; send fewer or smaller events",
  );
  assert.ok(pulled < 20, `pulled ${pulled} chunks`);
});

Deno.test("readBody() answers 413 from Content-Length before reading", async () => {
  const error = await rejection(
    readBody(streamOf(new Uint8Array(5)), { maxBytes: 4, contentLength: "5" }),
  );
  assert.equal(error.status, 413);
});

Deno.test("readBody() caps the decompressed size of a gzip bomb", async () => {
  const bomb = await gzip("a".repeat(5_000_000));
  assert.ok(bomb.length < 20_000);
  const error = await rejection(
    readBody(streamOf(bomb), { maxBytes: 100_000, contentEncoding: "gzip" }),
  );
  assert.equal(error.status, 413);
  assert.match(error.message, /100000-byte limit after gzip decompression/);
});

Deno.test("readBody() caps the compressed size on the wire", async () => {
  const random = crypto.getRandomValues(new Uint8Array(60_000));
  const zipped = await gzip(Array.from(random, (b) => b.toString(16)).join(""));
  const error = await rejection(
    readBody(streamOf(zipped), {
      maxBytes: 1_000_000,
      maxWireBytes: 10_000,
      contentEncoding: "gzip",
    }),
  );
  assert.equal(error.status, 413);
  assert.match(error.message, /10000-byte limit on the wire \(compressed\)/);
});

Deno.test("readBody() answers 400 INVALID_GZIP for a body that is not gzip", async () => {
  const error = await rejection(
    readBody(streamOf(new TextEncoder().encode('{"a":1}')), {
      maxBytes: 100,
      contentEncoding: "gzip",
    }),
  );
  assert.deepEqual([error.status, error.code, error.field], [400, "INVALID_GZIP", "body"]);
});

Deno.test("readBody() answers 415 for an unsupported Content-Encoding", async () => {
  const error = await rejection(readBody(null, { maxBytes: 100, contentEncoding: "br" }));
  assert.deepEqual([error.status, error.field], [415, "content-encoding"]);
});

Deno.test("parseJson() answers 400 INVALID_JSON with the parser's reason", () => {
  assert.throws(() => parseJson("{nope"), (error: IngestError) => {
    assert.equal(error.status, 400);
    assert.equal(error.code, "INVALID_JSON");
    assert.match(error.message, /^Request body is not valid JSON: /);
    return true;
  });
  assert.throws(() => parseJson("  "), /Request body is empty/);
});

Deno.test("parseBody() reads JSON under any content type, 415 only when it is not JSON", () => {
  assert.deepEqual(parseBody('{"a":1}', "application/json; charset=utf-8"), { a: 1 });
  assert.deepEqual(parseBody('{"a":1}', "text/plain;charset=UTF-8"), { a: 1 });
  assert.deepEqual(parseBody('{"a":1}', null), { a: 1 });
  // What RudderStack's Node SDK sends: JSON labelled as a form.
  assert.deepEqual(parseBody('{"batch":[]}', "application/x-www-form-urlencoded"), { batch: [] });
  assert.throws(
    () => parseBody("a=b", "application/x-www-form-urlencoded"),
    (error: IngestError) => {
      assert.deepEqual([error.status, error.code, error.field], [
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "content-type",
      ]);
      assert.match(error.message, /"application\/x-www-form-urlencoded" is not supported/);
      return true;
    },
  );
  assert.throws(
    () => parseBody("a=b", "application/json"),
    (error: IngestError) => error.status === 400 && error.code === "INVALID_JSON",
  );
});

Deno.test("readRequestBody() reads an in-cap body with Content-Length in one call", async () => {
  const text = JSON.stringify({ event_type: "é" });
  const bytes = new TextEncoder().encode(text);
  // A stream that fails when read: the fast path must use arrayBuffer() only.
  const request = {
    body: new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: () => Promise.reject(new Error("the body stream was read")),
    }),
    arrayBuffer: () => Promise.resolve(bytes.slice().buffer),
  };
  const got = await readRequestBody(request, {
    maxBytes: 100,
    contentLength: String(bytes.byteLength),
  });
  assert.equal(got, text);
  const real = new Request("http://x/", { method: "POST", body: text });
  assert.equal(
    await readRequestBody(real, { maxBytes: 100, contentLength: String(bytes.byteLength) }),
    text,
  );
});

Deno.test("readRequestBody() answers 413 when the body exceeds the cap despite a smaller Content-Length", async () => {
  const request = new Request("http://x/", { method: "POST", body: "x".repeat(50) });
  const error = await rejection(readRequestBody(request, { maxBytes: 10, contentLength: "5" }));
  assert.deepEqual([error.status, error.code], [413, "PAYLOAD_TOO_LARGE"]);
});

Deno.test("readRequestBody() streams gzip and length-less bodies under the caps", async () => {
  const text = JSON.stringify({ event_type: "x" });
  const zipped = await gzip(text);
  const gz = new Request("http://x/", { method: "POST", body: zipped });
  assert.equal(
    await readRequestBody(gz, {
      maxBytes: 100,
      contentEncoding: "gzip",
      contentLength: String(zipped.byteLength),
    }),
    text,
  );
  const bomb = await gzip("x".repeat(200_000));
  const error = await rejection(
    readRequestBody(new Request("http://x/", { method: "POST", body: bomb }), {
      maxBytes: 100_000,
      contentEncoding: "gzip",
      contentLength: String(bomb.byteLength),
    }),
  );
  assert.deepEqual([error.status, error.code], [413, "PAYLOAD_TOO_LARGE"]);
  const plain = new Request("http://x/", {
    method: "POST",
    body: streamOf(new TextEncoder().encode(text)),
  });
  assert.equal(await readRequestBody(plain, { maxBytes: 100 }), text);
});

// Runs in its own process so that its peak RSS (VmHWM) is the bomb's alone.
const BOMB_PROBE = `
import { readBody } from ${JSON.stringify(new URL("./body.ts", import.meta.url).href)};
const peak = () => Number(/VmHWM:\\s+(\\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))[1]) * 1024;
// ~128 MiB of zeros compresses to ~128 KiB: one network chunk of it is a 1000:1 bomb.
const zeros = new Uint8Array(1 << 20);
const source = new ReadableStream({
  start(controller) {
    for (let i = 0; i < 128; i++) controller.enqueue(zeros);
    controller.close();
  },
});
const bomb = new Uint8Array(
  await new Response(source.pipeThrough(new CompressionStream("gzip"))).arrayBuffer(),
);
const before = peak();
let status = 0;
try {
  await readBody(new Blob([bomb]).stream(), {
    maxBytes: 512 * 1024,
    maxWireBytes: 1024 * 1024,
    contentEncoding: "gzip",
  });
} catch (error) {
  status = error.status;
}
console.log(JSON.stringify({ status, compressed: bomb.length, grew: peak() - before }));
`;

Deno.test("readBody() never inflates a gzip bomb chunk far past the cap in memory", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", BOMB_PROBE],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(out.code, 0);
  const { status, compressed, grew } = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(status, 413);
  assert.ok(compressed < 200 * 1024, `bomb is ${compressed} bytes`);
  // Before the fix the whole ~128 MiB came out of the decompressor as one chunk.
  assert.ok(
    grew < 32 * 1024 * 1024,
    `peak RSS grew by ${grew} bytes reading a 512 KiB-capped body`,
  );
});

Deno.test("checkJsonDepth() counts containers, not brackets inside strings, and names the path", () => {
  const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
  checkJsonDepth(deep(32));
  checkJsonDepth(
    JSON.stringify({ a: '[[[[[[[[[[\\"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{', b: [] }),
    2,
  );
  assert.throws(() => checkJsonDepth(deep(33)), (e: IngestError) => {
    assert.deepEqual([e.status, e.code, e.field], [400, "JSON_TOO_DEEP", "[0]" + "[0]".repeat(31)]);
    return true;
  });
  assert.throws(
    () => checkJsonDepth('{"a\\"b": 1, "x": [0, {"k": [[[]]]}]}', 4),
    (e: IngestError) => e.field === "x[1].k[0]",
  );
  // Malformed text is left to JSON.parse, which names the problem.
  checkJsonDepth('{"a": "unterminated', 1);
  assert.throws(() => parseJson(deep(100_000)), (e: IngestError) => e.code === "JSON_TOO_DEEP");
});
