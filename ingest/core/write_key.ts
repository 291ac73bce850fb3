/**
 * Write keys: where a request carries one, and how it is hashed for storage and lookup. Keys are
 * never stored in clear text; only their SHA-256 hex digest is.
 */

import { createHash } from "node:crypto";

/** SHA-256 hex digest of a write key, as stored in `sources.write_key_hash`. */
export function hashWriteKey(key: string): Promise<string> {
  return Promise.resolve(hashWriteKeySync(key));
}

/** {@link hashWriteKey} without the promise (node:crypto is ~15x cheaper than crypto.subtle here). */
export function hashWriteKeySync(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/**
 * A memo of key → hash for the request path: a hash is a pure function of the key, so caching it
 * changes nothing about revocation (that lives in the source cache and its TTL). Bounded: cleared
 * when `maxEntries` (default 10000) is exceeded, so random keys cannot grow it.
 */
export function createKeyHasher(opts: { maxEntries?: number } = {}): (key: string) => string {
  const maxEntries = opts.maxEntries ?? 10_000;
  const hashes = new Map<string, string>();
  return (key) => {
    let hash = hashes.get(key);
    if (hash === undefined) {
      hash = hashWriteKeySync(key);
      if (hashes.size >= maxEntries) hashes.clear();
      hashes.set(key, hash);
    }
    return hash;
  };
}

/** A fresh random write key (`ef_` + 32 bytes base64url): 256 bits, never guessable. */
export function generateWriteKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const b64 = btoa(String.fromCharCode(...bytes));
  return "ef_" + b64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * The write key from the headers: HTTP Basic user (password ignored, as Segment libraries send
 * it), `X-Write-Key`, or `Authorization: Bearer`. Null when none is present.
 */
export function writeKeyFromHeaders(headers: Headers): string | null {
  const explicit = headers.get("x-write-key");
  if (explicit !== null && explicit.trim() !== "") return explicit.trim();
  const auth = headers.get("authorization");
  if (auth === null) return null;
  const [scheme = "", credentials = ""] = auth.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer" && credentials !== "") return credentials;
  if (scheme.toLowerCase() !== "basic" || credentials === "") return null;
  let decoded: string;
  try {
    decoded = atob(credentials);
  } catch {
    return null;
  }
  const user = decoded.split(":", 1)[0] ?? "";
  return user === "" ? null : user;
}

/** The write key from a parsed body (`writeKey` as Segment sends it, or `write_key`). */
export function writeKeyFromBody(body: unknown): string | null {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return null;
  const record = body as Record<string, unknown>;
  const key = record.writeKey ?? record.write_key;
  return typeof key === "string" && key.trim() !== "" ? key.trim() : null;
}
