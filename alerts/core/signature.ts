/**
 * Webhook signatures: `X-EventFlow-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, the
 * scheme GitHub and Stripe receivers already know how to check.
 */

/** The header carrying the signature. */
export const SIGNATURE_HEADER = "X-EventFlow-Signature";

const encoder = new TextEncoder();

async function hmac(secret: string, body: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body)));
}

/** `sha256=<hex>` of `body` under `secret`. */
export async function sign(secret: string, body: string): Promise<string> {
  const bytes = await hmac(secret, body);
  return `sha256=${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Whether `header` is the signature of `body` under `secret` (constant-time comparison). */
export async function verify(
  secret: string,
  body: string,
  header: string | null,
): Promise<boolean> {
  if (header === null) return false;
  const expected = await sign(secret, body);
  if (header.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ header.charCodeAt(i);
  return diff === 0;
}
