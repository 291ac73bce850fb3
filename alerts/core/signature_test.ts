import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { sign, signatureHeaders, verifyWebhook } from "./signature.ts";

const secret = "0123456789abcdef-secret";
const body = '{"alert_id":"e1:big_purchase"}';
const at = new Date("2026-04-10T12:00:00Z");
const t = at.getTime() / 1000;

Deno.test("sign() is sha256=<hex HMAC-SHA256 of timestamp.body>, as receivers compute it", () => {
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  assert.equal(sign(secret, t, body), `sha256=${expected}`);
  assert.deepEqual(signatureHeaders(secret, body, at), {
    "x-eventflow-timestamp": String(t),
    "x-eventflow-signature": `sha256=${expected}`,
  });
});

Deno.test("verifyWebhook() accepts the signature and rejects other bodies, secrets and shapes", () => {
  const signature = sign(secret, t, body);
  const request = { body, timestamp: String(t), signature };
  assert.deepEqual(verifyWebhook(secret, request, { now: at }), { ok: true });
  const refused = (r: typeof request, s = secret) => {
    const verdict = verifyWebhook(s, r, { now: at });
    return verdict.ok ? "accepted" : verdict.error;
  };
  assert.match(refused({ ...request, body: body + " " }), /does not match/);
  assert.match(refused(request, "another-secret-123"), /does not match/);
  assert.match(refused({ ...request, signature: signature.slice(0, -1) }), /does not match/);
  assert.match(refused({ ...request, signature: null as unknown as string }), /are required/);
  assert.match(refused({ ...request, timestamp: "yesterday" }), /must be Unix seconds/);
  // The timestamp is signed: moving it forward to look fresh breaks the signature.
  assert.match(refused({ ...request, timestamp: String(t + 1) }), /does not match/);
});

Deno.test("verifyWebhook() rejects a replayed old signature outside the tolerance (#13, 13)", () => {
  const captured = { body, timestamp: String(t), signature: sign(secret, t, body) };
  const later = (seconds: number) => new Date(at.getTime() + seconds * 1000);
  assert.deepEqual(verifyWebhook(secret, captured, { now: later(299) }), { ok: true });
  assert.deepEqual(verifyWebhook(secret, captured, { now: later(3600) }), {
    ok: false,
    error: "X-EventFlow-Timestamp 1775822400 is 3600 s from now, beyond the 300 s tolerance: " +
      "a replayed or delayed call",
  });
  assert.equal(verifyWebhook(secret, captured, { now: later(-400) }).ok, false, "from the future");
  assert.equal(
    verifyWebhook(secret, captured, { now: later(3600), toleranceSeconds: 7200 }).ok,
    true,
    "a receiver may widen the tolerance",
  );
});
