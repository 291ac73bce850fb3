/** The ingest service's environment, parsed once by `main.ts` (see docs/ingest.md). */
import { z } from "zod";
import {
  flag,
  infraEnv,
  list,
  nonNegativeInt,
  opsEnv,
  parseConfig,
  port,
  positiveInt,
  topicEnv,
} from "../shared/config.ts";
import { type Cidr, parseCidr } from "./core/ip.ts";

const cidrs = list(["127.0.0.0/8", "::1/128"]).transform((entries, ctx): Cidr[] => {
  const parsed: Cidr[] = [];
  for (const entry of entries) {
    try {
      parsed.push(parseCidr(entry));
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  }
  return parsed;
});

/** Zod schema over the ingest environment. */
export const IngestConfigSchema = z.object({
  ...infraEnv,
  ...topicEnv,
  ...opsEnv(8080),
  /**
   * Port of `/metrics` and the detailed `/readyz` (dependency names and errors). The public port
   * serves only status; this one stays on OPS_HOST (this machine unless set; compose widens it
   * inside its network for Prometheus and publishes nothing).
   */
  OPS_PORT: port(8090),
  OPS_HOST: z.string().min(1).default("127.0.0.1"),
  /** Largest single event (and single-event request body) in bytes; Segment's limit is 32 KB. */
  INGEST_MAX_EVENT_BYTES: positiveInt(32 * 1024),
  /** Largest batch request body after decompression; Segment's limit is 500 KB. */
  INGEST_MAX_BATCH_BYTES: positiveInt(512 * 1024),
  /** Largest request body on the wire when gzip-encoded. */
  INGEST_MAX_COMPRESSED_BYTES: positiveInt(512 * 1024),
  INGEST_MAX_BATCH_EVENTS: positiveInt(1000),
  /**
   * A request body not fully received this long after its headers answers 408 REQUEST_TIMEOUT
   * and the connection is closed (slow-loris bodies).
   */
  INGEST_BODY_TIMEOUT_MS: positiveInt(10_000),
  /** Requests handled at once; beyond, 503 INGEST_OVERLOADED with Retry-After at once. */
  INGEST_MAX_INFLIGHT_REQUESTS: positiveInt(4096),
  /** Events further than this in the future (after skew correction) are clamped. */
  INGEST_FUTURE_TOLERANCE_SECONDS: positiveInt(600),
  /** Peers whose X-Forwarded-For is believed (CIDRs, comma-separated). */
  INGEST_TRUSTED_PROXIES: cidrs,
  /** Origins allowed by CORS; `*` allows any (default, so local pages just work). */
  INGEST_CORS_ORIGINS: list(["*"]),
  /**
   * Where browsers reach ingest (e.g. `https://events.example.com` behind a TLS proxy), named in
   * the settings documents of the Segment and RudderStack browser libraries; unset: the origin
   * of each settings request.
   */
  INGEST_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Events per second per client IP (an IPv6 client's /64), counted in memory before the write
   * key is looked up or the body read (a token bucket holding two seconds' worth); 0 disables.
   */
  INGEST_RATE_LIMIT_IP_EVENTS: nonNegativeInt(20_000),
  INGEST_RATE_LIMIT_WINDOW_MS: positiveInt(1000),
  /** Events per window per write key, across instances (through Redis); 0 disables. */
  INGEST_RATE_LIMIT_KEY_EVENTS: nonNegativeInt(20_000),
  /**
   * Events per window per public write key from one client IP, so one visitor holding a public
   * key cannot spend the whole key's quota (server keys have none); 0 disables (and so does a key
   * limit of 0).
   */
  INGEST_RATE_LIMIT_KEY_IP_EVENTS: nonNegativeInt(2_000),
  /** How often each instance exchanges its counts with Redis (ms); limits are decided locally. */
  INGEST_RATE_LIMIT_SYNC_MS: positiveInt(100),
  INGEST_RATE_LIMIT_PREFIX: z.string().min(1).default("eventflow:ingest:rl"),
  /** How long a write key lookup is cached; revocation takes effect within this time. */
  INGEST_SOURCE_CACHE_TTL_MS: positiveInt(30_000),
  /**
   * A Kafka write not acknowledged within this time answers 503 KAFKA_UNAVAILABLE; events of that
   * request still waiting for a producer are dropped then, never written behind the client's back.
   */
  INGEST_KAFKA_TIMEOUT_MS: positiveInt(10_000),
  /**
   * Most events waiting for (or being written to) Kafka; a request beyond it answers 503
   * INGEST_OVERLOADED at once with Retry-After. ~20 s of the rate one core sustains.
   */
  INGEST_MAX_QUEUED_EVENTS: positiveInt(50_000),
  /**
   * How long an event arriving at an idle producer waits for company (events queued behind an
   * in-flight request do not wait again). 2 ms measured best: 0 sends more, smaller requests
   * (more CPU per event), 5 adds latency that caps throughput at a given concurrency.
   */
  INGEST_KAFKA_LINGER_MS: nonNegativeInt(2),
  /**
   * Producers used in turn; each keeps one acks=all request in flight. One measured best: more
   * producers split the load into smaller requests, costing CPU per event without adding
   * throughput (see docs/ingest.md).
   */
  INGEST_KAFKA_PRODUCERS: positiveInt(1),
  /** Retry-After seconds sent with 503 answers. */
  INGEST_RETRY_AFTER_SECONDS: positiveInt(5),
  /** Create TOPIC_RAW at start when missing (idempotent). */
  INGEST_ENSURE_TOPIC: flag(true),
  INGEST_TOPIC_PARTITIONS: positiveInt(6),
});

/** The resolved ingest configuration. */
export type IngestConfig = z.output<typeof IngestConfigSchema>;

/** Parses the environment, listing every invalid variable at once. */
export function loadConfig(env: Record<string, string | undefined>): IngestConfig {
  return parseConfig(IngestConfigSchema, env);
}
