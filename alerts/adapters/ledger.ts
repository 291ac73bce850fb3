/**
 * What was already sent: idempotency across redeliveries, restarts and dead-letter replays (in
 * PostgreSQL), and throttle windows (in Redis).
 *
 * Table `alert_deliveries` (migration 0007) holds one row per rule, event and destination that
 * accepted the alert, so a redelivered event is not sent again and a partly failed alert is
 * re-sent only where it failed. Not Redis: Redis may evict keys under memory pressure, and a
 * record must outlive every dead letter that could be replayed, so rows are kept for
 * `IDEMPOTENCY_TTL_SECONDS` (at least the dead-letter retention) and pruned by
 * {@link pruneDeliveries}. `<prefix>alert-throttle:<rule>:<key>` in Redis holds the event id that
 * opened a throttle window (an evicted window only lets one more alert through). Store trouble
 * never stops alerts: callers deliver anyway.
 */
import type { Redis } from "../../shared/redis/mod.ts";
import type { Sql } from "../../shared/postgres/mod.ts";
import { withTimeout } from "../../shared/time.ts";

/** Answer of a ledger question when its store could not be asked. */
export const UNKNOWN = "unknown";

/** The ledger operations the handler needs. */
export interface Ledger {
  /** Whether `destination` already accepted the alert, or UNKNOWN when PostgreSQL failed. */
  wasDelivered(ruleId: string, eventId: string, destination: string): Promise<boolean | "unknown">;
  /** Records a successful delivery; false when PostgreSQL failed. */
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

/** Options of {@link createLedger}. */
export interface LedgerOptions {
  /** Prefix of the throttle keys in Redis (default `ef:`). */
  prefix?: string;
  /** Per-command timeout of PostgreSQL and Redis (default 2000 ms). */
  timeoutMs?: number;
  /** Told when a store failed. */
  onError?: (error: unknown) => void;
}

/** The throttle key of a rule and key value. */
export function throttleKey(ruleId: string, key: string, prefix = "ef:"): string {
  return `${prefix}alert-throttle:${ruleId}:${key}`;
}

/** A ledger with deliveries in PostgreSQL and throttle windows in Redis. */
export function createLedger(stores: { sql: Sql; redis: Redis }, opts: LedgerOptions = {}): Ledger {
  const { sql, redis } = stores;
  const prefix = opts.prefix ?? "ef:";
  const timeoutMs = opts.timeoutMs ?? 2000;
  const guarded = async <T>(fallback: T, what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(run(), timeoutMs, { what });
    } catch (error) {
      opts.onError?.(error);
      return fallback;
    }
  };
  return {
    wasDelivered: (ruleId, eventId, destination) =>
      guarded<boolean | "unknown">(UNKNOWN, "PostgreSQL", async () => {
        const rows = await sql`SELECT 1 FROM alert_deliveries
          WHERE rule_id = ${ruleId} AND event_id = ${eventId} AND destination = ${destination}`;
        return rows.length > 0;
      }),
    markDelivered: (ruleId, eventId, destination) =>
      guarded(false, "PostgreSQL", async () => {
        await sql`INSERT INTO alert_deliveries (rule_id, event_id, destination)
          VALUES (${ruleId}, ${eventId}, ${destination}) ON CONFLICT DO NOTHING`;
        return true;
      }),
    claimThrottle: (ruleId, key, eventId, windowSeconds) =>
      guarded<boolean | "unknown">(UNKNOWN, "Redis", async () => {
        const name = throttleKey(ruleId, key, prefix);
        const set = await redis.set(name, eventId, "EX", windowSeconds, "NX");
        if (set === "OK") return true;
        // A redelivered event that opened the window may still alert where it failed before.
        return (await redis.get(name)) === eventId;
      }),
  };
}

/** Deletes delivery records older than `olderThan`; returns how many. */
export async function pruneDeliveries(sql: Sql, olderThan: Date): Promise<number> {
  const deleted = await sql`DELETE FROM alert_deliveries WHERE delivered_at < ${olderThan}`;
  return deleted.count;
}
