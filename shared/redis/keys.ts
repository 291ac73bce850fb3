/**
 * Redis key builders shared by the services that read and write the same keys.
 *
 * enrich caches user profiles and identity links under these keys; sink overwrites or deletes
 * them when it writes the same rows to PostgreSQL, so the cache never outlives the truth.
 */

/** Prefix of every EventFlow key, so an operator can find (and flush) them at once. */
export const KEY_PREFIX = "ef:";

/**
 * The cached profile of a known user. Value: JSON `{"tier","signup_at","country_code"}`
 * (signup_at ISO-8601 or null), or {@link NEGATIVE_CACHE} for "no such user". A writer of the
 * users table deletes the key (or overwrites it with the new JSON) after each update.
 */
export function userKey(userId: string, prefix: string = KEY_PREFIX): string {
  return `${prefix}user:${userId}`;
}

/** Value of a cached "not found" answer (negative caching). */
export const NEGATIVE_CACHE = "__none__";

/** The user id an anonymous id was linked to by identify/signup/alias (plain string). */
export function identityKey(anonymousId: string, prefix: string = KEY_PREFIX): string {
  return `${prefix}identity:${anonymousId}`;
}

/** The session state (JSON) of one visitor, keyed by anonymous id or user id. */
export function sessionKey(visitorId: string, prefix: string = KEY_PREFIX): string {
  return `${prefix}session:${visitorId}`;
}

/** A cached product row (JSON). */
export function productKey(productId: string, prefix: string = KEY_PREFIX): string {
  return `${prefix}product:${productId}`;
}

/**
 * A cached geo answer of the HTTP provider (JSON) for one IP, keyed by the IP's keyed hash
 * (enrich/adapters/geo_cache_key.ts), never by the IP itself.
 */
export function geoKey(ipDigest: string, prefix: string = KEY_PREFIX): string {
  return `${prefix}geo:${ipDigest}`;
}
