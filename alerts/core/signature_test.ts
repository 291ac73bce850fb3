import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { sign, verify } from "./signature.ts";

const secret = "0123456789abcdef-secret";
const body = '{"alert_id":"e1:big_purchase"}';

Deno.test("sign() is sha256=<hex HMAC-SHA256 of the body>, as receivers compute it", async () => {
  const expected = createHmac("sha256", secret).update(body).digest("hex");
  assert.equal(await sign(secret, body), `sha256=${expected}`);
});

Deno.test("verify() accepts the signature and rejects other bodies, secrets and shapes", async () => {
  const header = await sign(secret, body);
  assert.equal(await verify(secret, body, header), true);
  assert.equal(await verify(secret, body + " ", header), false);
  assert.equal(await verify("another-secret-123", body, header), false);
  assert.equal(await verify(secret, body, header.slice(0, -1)), false);
  assert.equal(await verify(secret, body, null), false);
});
