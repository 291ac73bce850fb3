/**
 * enrich's environment: one schema, parsed once by `main.ts`.
 */
import { z } from "zod";
import {
  consumerEnv,
  deadLetterEnv,
  infraEnv,
  list,
  opsEnv,
  parseConfig,
  positiveInt,
  topicEnv,
} from "../shared/config.ts";

/** Zod schema of enrich's environment. */
export const EnrichEnvSchema = z.object({
  ...infraEnv,
  ...topicEnv,
  ...deadLetterEnv,
  ...opsEnv(8081),
  ...consumerEnv({ group: "enrich", batchSize: 500, fromBeginning: true }),
  /** Prefix of enrich's Redis keys (tests use their own; the sink must use the same). */
  REDIS_KEY_PREFIX: z.string().min(1).default("ef:"),
  /** A GeoLite2/GeoIP2 City .mmdb; without it the DB-IP Lite files from npm are used. */
  GEOIP_DB_PATH: z.string().optional(),
  /** HTTP geo API URL template with `{ip}`; when set it is asked first, the local DB is fallback. */
  GEO_HTTP_URL: z.string().url().optional(),
  GEO_HTTP_TIMEOUT_MS: positiveInt(1000),
  GEO_CACHE_TTL_SECONDS: positiveInt(86_400),
  /**
   * Secret of the HMAC that turns an IP into its geo cache key (16+ characters). Unset: a random
   * one per process, so the Redis cache is not shared across instances or restarts.
   */
  GEO_CACHE_KEY_SECRET: z.string().min(16).optional(),
  USER_CACHE_TTL_SECONDS: positiveInt(3600),
  PRODUCT_CACHE_TTL_SECONDS: positiveInt(600),
  NEGATIVE_CACHE_TTL_SECONDS: positiveInt(60),
  REDIS_TIMEOUT_MS: positiveInt(100),
  POSTGRES_TIMEOUT_MS: positiveInt(500),
  /** How often campaigns and currency rates are reloaded. */
  REFRESH_INTERVAL_MS: positiveInt(60_000),
  SESSION_TIMEOUT_MINUTES: positiveInt(30),
  PSEUDONYMIZE_FIELDS: list([]),
  PII_SALT: z.string().optional(),
  IP_POLICY: z.enum(["truncate", "drop", "keep"]).default("truncate"),
}).refine((env) => env.PSEUDONYMIZE_FIELDS.length === 0 || (env.PII_SALT ?? "").length >= 16, {
  path: ["PII_SALT"],
  message: "must be set (16+ characters) when PSEUDONYMIZE_FIELDS is set",
});

/** enrich's resolved configuration. */
export type EnrichConfig = z.output<typeof EnrichEnvSchema>;

/** Parses `env`, listing every bad variable at once. */
export function loadConfig(env: Record<string, string | undefined>): EnrichConfig {
  return parseConfig(EnrichEnvSchema, env);
}
