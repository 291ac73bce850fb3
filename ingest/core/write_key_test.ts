import assert from "node:assert/strict";
import {
  generateWriteKey,
  hashWriteKey,
  writeKeyFromBody,
  writeKeyFromHeaders,
} from "./write_key.ts";

Deno.test("hashWriteKey() is the SHA-256 hex digest", async () => {
  assert.equal(
    await hashWriteKey("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("generateWriteKey() makes distinct url-safe keys", () => {
  const a = generateWriteKey();
  assert.match(a, /^ef_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, generateWriteKey());
});

Deno.test("writeKeyFromHeaders() reads Basic user, X-Write-Key and Bearer", () => {
  assert.equal(
    writeKeyFromHeaders(new Headers({ authorization: `Basic ${btoa("key1:")}` })),
    "key1",
  );
  assert.equal(writeKeyFromHeaders(new Headers({ "x-write-key": "key2" })), "key2");
  assert.equal(writeKeyFromHeaders(new Headers({ authorization: "Bearer key3" })), "key3");
  assert.equal(writeKeyFromHeaders(new Headers({ authorization: "Basic !!!" })), null);
  assert.equal(writeKeyFromHeaders(new Headers({ authorization: `Basic ${btoa(":pw")}` })), null);
  assert.equal(writeKeyFromHeaders(new Headers()), null);
});

Deno.test("writeKeyFromBody() reads writeKey or write_key from an object body", () => {
  assert.equal(writeKeyFromBody({ writeKey: "k" }), "k");
  assert.equal(writeKeyFromBody({ write_key: "k2" }), "k2");
  assert.equal(writeKeyFromBody([{ writeKey: "k" }]), null);
  assert.equal(writeKeyFromBody({ writeKey: 5 }), null);
});
