/**
 * A small in-process LRU cache with per-entry expiry, for lookups hit on every event.
 */

import { type Clock, systemClock } from "../../shared/time.ts";

/** Options for {@link createLru}. */
export interface LruOptions {
  /** Entries kept at most (default 10 000). */
  max?: number;
  /** Time to live of an entry in ms (default 60 000). */
  ttlMs?: number;
  /** The clock of expiry (default the system clock); tests step a fake one. */
  clock?: Pick<Clock, "now">;
}

/** An LRU map; `undefined` from `get` means absent, so `null` can be cached as a value. */
export interface Lru<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, ttlMs?: number): void;
  delete(key: string): void;
  readonly size: number;
}

/** Creates an LRU cache (a Map keeps insertion order; a hit re-inserts the key at the end). */
export function createLru<V>(opts: LruOptions = {}): Lru<V> {
  const max = opts.max ?? 10_000;
  const ttl = opts.ttlMs ?? 60_000;
  const clock = opts.clock ?? systemClock;
  const now = () => clock.now();
  const entries = new Map<string, { value: V; expires: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      if (entry.expires <= now()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, ttlMs) {
      entries.delete(key);
      entries.set(key, { value, expires: now() + (ttlMs ?? ttl) });
      if (entries.size > max) entries.delete(entries.keys().next().value!);
    },
    delete(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    },
  };
}
