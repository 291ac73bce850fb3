/**
 * Redis key builders shared by the services that read and write the same keys.
 *
 * enrich caches user profiles and identity links under these keys; sink overwrites or deletes
 * them when it writes the same rows to PostgreSQL, so the cache never outlives the truth.
 */

/** Prefix of every EventFlow key, so an operator can find (and flush) them at once. */
export const KEY_PREFIX = "ef:";

/** The cached profile of a known user (JSON); sink deletes it when it updates the user. */
export function userKey(userId: string, prefix: string = KEY_PREFIX): string {
  return `${prefix}user:${userId}`;
}

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

/** A cached geo answer of the HTTP provider (JSON) for one IP. */
export function geoKey(ip: string, prefix: string = KEY_PREFIX): string {
  return `${prefix}geo:${ip}`;
}
