/** What the ingest routes need, built by `main.ts` (or by tests with fakes for the network parts). */
import type { Logger } from "../../shared/log.ts";
import type { ReadinessCheck } from "../../shared/http/ops.ts";
import type { Registry } from "../../shared/metrics.ts";
import type { Deadlines } from "../adapters/deadlines.ts";
import type { Publisher } from "../adapters/publisher.ts";
import type { RateLimiter } from "../adapters/rate_limiter.ts";
import type { SourceLookup } from "../adapters/sources.ts";
import type { Cidr } from "../core/ip.ts";
import type { IpBuckets } from "../core/ip_buckets.ts";
import type { IngestMetrics } from "../metrics.ts";

/**
 * Hono bindings: the TCP peer address, passed by `main.ts` from Deno.serve's info; variables: the
 * client IP, resolved once by the per-IP limit at the door.
 */
export type IngestEnv = {
  Bindings: { remoteAddr?: string };
  Variables: { clientIp?: string | null };
};

/** Size limits in bytes / events. */
export interface IngestLimits {
  maxEventBytes: number;
  maxBatchBytes: number;
  maxCompressedBytes: number;
  maxBatchEvents: number;
  /** A request body not fully received this long after its headers answers 408 (ms). */
  bodyTimeoutMs: number;
  /** Requests handled at once; beyond, 503 INGEST_OVERLOADED at once. */
  maxInflightRequests: number;
}

/** Everything the app is built from. */
export interface IngestDeps {
  sources: SourceLookup;
  rateLimiter: RateLimiter;
  /** The in-memory per-IP event limit applied before authentication; null disables. */
  ipBuckets: IpBuckets | null;
  publisher: Publisher;
  registry: Registry;
  metrics: IngestMetrics;
  logger: Logger;
  limits: IngestLimits;
  trustedProxies: Cidr[];
  corsOrigins: string[];
  futureToleranceMs: number;
  /** Checks for /readyz (Kafka, Postgres). */
  checks: ReadinessCheck[];
  isDraining: () => boolean;
  /**
   * The URL browsers reach ingest at (`INGEST_PUBLIC_URL`), named in the settings documents that
   * tell browser libraries where to send; default: the origin of the settings request itself.
   */
  publicUrl?: string;
  /** Clock, epoch ms (default Date.now). */
  now?: () => number;
  /** Write key → SHA-256 hex; `createApp` defaults it to a bounded memo (`createKeyHasher`). */
  hashKey?: (key: string) => string;
  /** Bounds body reads by `limits.bodyTimeoutMs`; `createApp` builds it. */
  bodyDeadlines?: Deadlines;
}
