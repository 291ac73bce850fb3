import assert from "node:assert/strict";
import { testApp } from "../testing/app.ts";

Deno.test("GET /sdk/eventflow.js serves the tracker under 3 KB gzipped, with an ETag", async () => {
  const { app } = await testApp();
  const source = await Deno.readTextFile(new URL("../sdk/eventflow.js", import.meta.url));
  const plain = await app.request("/sdk/eventflow.js");
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(await plain.text(), source);

  const zipped = await app.request("/sdk/eventflow.js", {
    headers: { "accept-encoding": "gzip, deflate, br" },
  });
  assert.equal(zipped.headers.get("content-encoding"), "gzip");
  const bytes = new Uint8Array(await zipped.arrayBuffer());
  assert.ok(bytes.byteLength < 3 * 1024, `gzipped tracker is ${bytes.byteLength} bytes`);
  const unzipped = await new Response(
    new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")),
  ).text();
  assert.equal(unzipped, source);

  const etag = plain.headers.get("etag");
  assert.match(etag ?? "", /^"[0-9a-f]{16}"$/);
  const again = await app.request("/sdk/eventflow.js", { headers: { "if-none-match": etag! } });
  assert.equal(again.status, 304);
});
