/**
 * enrich's environment: one schema, parsed once by `main.ts`.
 */
import { z } from "zod";
import {
  flag,
  infraEnv,
  list,
  nonNegativeInt,
  parseConfig,
  port,
  positiveInt,
  topicEnv,
} from "../shared/config.ts";

/** Zod schema of enrich's environment. */
export const EnrichEnvSchema = z.object({
  ...infraEnv,
  ...topicEnv,
  PORT: port(8081),
  /** Ms to keep serving, `/readyz` already 503, after SIGTERM: lets a load balancer stop routing. */
  SHUTDOWN_DELAY_MS: nonNegativeInt(0),
  CONSUMER_GROUP: z.string().min(1).default("enrich"),
  /** Prefix of enrich's Redis keys (tests use their own; the sink must use the same). */
  REDIS_KEY_PREFIX: z.string().min(1).default("ef:"),
  /** Messages per handler call. */
  BATCH_SIZE: positiveInt(500),
  /** A GeoLite2/GeoIP2 City .mmdb; without it the DB-IP Lite files from npm are used. */
  GEOIP_DB_PATH: z.string().optional(),
  /** HTTP geo API URL template with `{ip}`; when set it is asked first, the local DB is fallback. */
  GEO_HTTP_URL: z.string().url().optional(),
  GEO_HTTP_TIMEOUT_MS: positiveInt(1000),
  GEO_CACHE_TTL_SECONDS: positiveInt(86_400),
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
  /** Read the raw topic from the start when the group has no committed offset. */
  FROM_BEGINNING: flag(true),
  LAG_INTERVAL_MS: positiveInt(15_000),
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
