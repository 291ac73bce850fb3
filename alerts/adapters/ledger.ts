/**
 * What was already sent, in Redis: idempotency across redeliveries and restarts, and throttles.
 *
 * `<prefix>alert:<rule>:<event_id>` is a hash whose fields are the destinations that accepted
 * the alert (7 days), so a redelivered event is not sent again, and a partly failed alert is
 * re-sent only where it failed. `<prefix>alert-throttle:<rule>:<key>` holds the event id that
 * opened the throttle window. Redis trouble never stops alerts: callers deliver anyway.
 */
import type { Redis } from "../../shared/redis/mod.ts";
import { withTimeout } from "../../shared/time.ts";

/** Answer of a ledger question when Redis could not be asked. */
export const UNKNOWN = "unknown";

/** The ledger operations the handler needs. */
export interface Ledger {
  /** Whether `destination` already accepted the alert, or UNKNOWN when Redis failed. */
  wasDelivered(ruleId: string, eventId: string, destination: string): Promise<boolean | "unknown">;
  /** Records a successful delivery; false when Redis failed. */
  markDelivered(ruleId: string, eventId: string, destination: string): Promise<boolean>;
  /**
   * Takes the throttle window of `key` for `eventId`: true when this event may alert (window
   * free, or already taken by this same event), false when throttled, UNKNOWN when Redis failed.
   */
  claimThrottle(
    ruleId: string,
    key: string,
    eventId: string,
    windowSeconds: number,
  ): Promise<boolean | "unknown">;
}

/** Options of {@link createRedisLedger}. */
export interface LedgerOptions {
  /** Key prefix (default `ef:`). */
  prefix?: string;
  /** How long deliveries are remembered (default 7 days). */
  ttlSeconds?: number;
  /** Per-command timeout (default 200 ms). */
  timeoutMs?: number;
  /** Told when Redis failed. */
  onError?: (error: unknown) => void;
}

/** The alert's idempotency key. */
export function alertKey(ruleId: string, eventId: string, prefix = "ef:"): string {
  return `${prefix}alert:${ruleId}:${eventId}`;
}

/** The throttle key of a rule and key value. */
export function throttleKey(ruleId: string, key: string, prefix = "ef:"): string {
  return `${prefix}alert-throttle:${ruleId}:${key}`;
}

/** A ledger in Redis. */
export function createRedisLedger(redis: Redis, opts: LedgerOptions = {}): Ledger {
  const prefix = opts.prefix ?? "ef:";
  const ttl = opts.ttlSeconds ?? 7 * 86_400;
  const timeoutMs = opts.timeoutMs ?? 200;
  const guarded = async <T>(fallback: T, run: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(run(), timeoutMs, { what: "Redis" });
    } catch (error) {
      opts.onError?.(error);
      return fallback;
    }
  };
  return {
    wasDelivered: (ruleId, eventId, destination) =>
      guarded<boolean | "unknown">(
        UNKNOWN,
        async () => (await redis.hexists(alertKey(ruleId, eventId, prefix), destination)) === 1,
      ),
    markDelivered: (ruleId, eventId, destination) =>
      guarded(false, async () => {
        const key = alertKey(ruleId, eventId, prefix);
        const results = await redis.multi().hset(key, destination, new Date().toISOString())
          .expire(key, ttl).exec();
        const failed = results?.find(([error]) => error !== null)?.[0];
        if (!results || failed) throw failed ?? new Error("Redis discarded the transaction");
        return true;
      }),
    claimThrottle: (ruleId, key, eventId, windowSeconds) =>
      guarded<boolean | "unknown">(UNKNOWN, async () => {
        const name = throttleKey(ruleId, key, prefix);
        const set = await redis.set(name, eventId, "EX", windowSeconds, "NX");
        if (set === "OK") return true;
        // A redelivered event that opened the window may still alert where it failed before.
        return (await redis.get(name)) === eventId;
      }),
  };
}
