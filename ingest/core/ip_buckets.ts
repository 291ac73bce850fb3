/**
 * The in-memory per-IP limit that runs before anything else: one token bucket per client IP (an
 * IPv6 client's whole /64), refilled at `eventsPerSecond`, holding at most `burst`. No I/O, so it
 * stops a flood of random write keys or junk bodies before it costs a key lookup, a body read or
 * a Redis call. Each request takes one token at the door and, once its body is parsed, one more
 * per further event: the limit counts events, not requests.
 */
import { rateLimitSubject } from "./ip.ts";

/** Per-IP token buckets. */
export interface IpBuckets {
  /** Takes `n` tokens from `ip`'s bucket: 0 when taken, else the seconds until they would be. */
  take(ip: string, n: number): number;
  /** The refill rate, events per second (for messages). */
  readonly eventsPerSecond: number;
}

/** Options for {@link createIpBuckets}. */
export interface IpBucketOptions {
  /** Refill rate, events per second per IP. */
  eventsPerSecond: number;
  /** Bucket size (default 2 × eventsPerSecond): how large a burst an idle IP may send. */
  burst?: number;
  /** Most IPs remembered (default 100 000); beyond, the longest-idle half is forgotten. */
  maxEntries?: number;
  /** Clock in ms (default performance.now). */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Creates the buckets. */
export function createIpBuckets(opts: IpBucketOptions): IpBuckets {
  const rate = opts.eventsPerSecond / 1000;
  const burst = opts.burst ?? opts.eventsPerSecond * 2;
  const maxEntries = opts.maxEntries ?? 100_000;
  const now = opts.now ?? (() => performance.now());
  // Re-inserted on each use, so iteration order is least recently used first.
  const buckets = new Map<string, Bucket>();

  function forgetIdle(): void {
    let drop = buckets.size >> 1;
    for (const key of buckets.keys()) {
      if (drop-- <= 0) break;
      buckets.delete(key);
    }
  }

  return {
    eventsPerSecond: opts.eventsPerSecond,
    take(ip, wanted) {
      // A request larger than a full bucket drains it rather than being refused for ever.
      const n = Math.min(wanted, burst);
      // IPv4 is counted per address; parsing is only needed to group IPv6 by /64.
      const subject = ip.includes(":") ? rateLimitSubject(ip) : ip;
      const at = now();
      let bucket = buckets.get(subject);
      if (bucket === undefined) {
        // A forgotten IP starts full, like a new one: forgetting only ever lets idle IPs in.
        bucket = { tokens: burst, at };
        if (buckets.size >= maxEntries) forgetIdle();
      } else {
        bucket.tokens = Math.min(burst, bucket.tokens + (at - bucket.at) * rate);
        bucket.at = at;
        buckets.delete(subject);
      }
      buckets.set(subject, bucket);
      if (bucket.tokens >= n) {
        bucket.tokens -= n;
        return 0;
      }
      return Math.max(1, Math.ceil((n - bucket.tokens) / rate / 1000));
    },
  };
}
