/**
 * Redis keys of the HTTP geo cache without the IP in them: the key is an HMAC-SHA256 of the IP
 * under a secret, so a Redis dump or `KEYS ef:geo:*` lists no visitor's address, and nobody
 * without the secret can test whether an address is cached. The in-process LRU still holds IPs;
 * it lives and dies with the process.
 */
import { createHmac, randomBytes } from "node:crypto";
import { geoKey } from "../../shared/redis/keys.ts";

/**
 * Builds the key function. With `secret` (GEO_CACHE_KEY_SECRET) every instance and restart
 * shares the cache; without one a random per-process secret keeps keys unlinkable to IPs, at the
 * cost of a cold cache after each restart.
 */
export function geoCacheKey(
  opts: { secret?: string; prefix?: string } = {},
): (ip: string) => string {
  const secret = opts.secret ?? randomBytes(32).toString("base64");
  return (ip) => geoKey(createHmac("sha256", secret).update(ip).digest("base64url"), opts.prefix);
}
