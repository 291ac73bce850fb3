/** The admin console's environment, parsed once by `main.ts` (see docs/admin.md). */
import { z } from "zod";
import { flag, infraEnv, opsEnv, parseConfig, positiveInt, topicEnv } from "../shared/config.ts";
import { LOCALES, parseTimeZone } from "./i18n/mod.ts";

const optionalText = z.string().optional().transform((value) =>
  value === undefined || value === "" ? undefined : value
);

const optionalUrl = z.string().optional().transform((value) =>
  value === undefined || value === "" ? undefined : value.replace(/\/+$/, "")
).pipe(z.string().url().optional());

/** Zod schema over the admin environment. */
export const AdminConfigSchema = z.object({
  DATABASE_URL: infraEnv.DATABASE_URL,
  CLICKHOUSE_URL: infraEnv.CLICKHOUSE_URL,
  CLICKHOUSE_DATABASE: infraEnv.CLICKHOUSE_DATABASE,
  CLICKHOUSE_USER: infraEnv.CLICKHOUSE_USER,
  CLICKHOUSE_PASSWORD: infraEnv.CLICKHOUSE_PASSWORD,
  LOG_LEVEL: infraEnv.LOG_LEVEL,
  /** Kafka and the dead-letter topic the dead-letter page reads and replays from. */
  KAFKA_BROKERS: infraEnv.KAFKA_BROKERS,
  TOPIC_DEAD_LETTER: topicEnv.TOPIC_DEAD_LETTER,
  /** Interface to listen on; loopback unless deliberately exposed (compose sets 0.0.0.0). */
  HOST: infraEnv.HOST,
  ...opsEnv(8000),
  /** Removed: the shared basic-auth password gave way to per-person accounts. */
  ADMIN_USER: optionalText,
  ADMIN_PASSWORD: optionalText,
  /** Rows per page on list pages. */
  ADMIN_PAGE_SIZE: positiveInt(25),
  /** Store queries slower than this answer 503 instead of hanging the page. */
  ADMIN_QUERY_TIMEOUT_MS: positiveInt(10_000),
  /** A session unused this many minutes ends. */
  ADMIN_SESSION_IDLE_MINUTES: positiveInt(30),
  /** A session ends this many hours after sign-in, used or not. */
  ADMIN_SESSION_MAX_HOURS: positiveInt(12),
  /** `auto` sets the cookie's Secure flag when the request came over https. */
  ADMIN_SECURE_COOKIES: z.enum(["auto", "true", "false"]).default("auto"),
  /** Trust X-Forwarded-For / X-Forwarded-Proto (only behind a reverse proxy you run). */
  ADMIN_TRUST_PROXY: flag(false),
  /** Language for visitors who chose none and whose browser asks for neither. */
  ADMIN_LOCALE: z.enum(LOCALES).default("en"),
  /** Time zone pages show times in until a visitor picks another. */
  ADMIN_TIMEZONE: z.string().default("UTC").refine((zone) => parseTimeZone(zone) !== undefined, {
    message: "must be an IANA time zone such as Europe/Moscow",
  }),
  /** The query service (analytics pages) and the API token the console uses there. */
  QUERY_URL: optionalUrl,
  QUERY_TOKEN: optionalText,
  /** Prometheus HTTP API for the monitoring page. */
  PROMETHEUS_URL: z.string().url().default("http://127.0.0.1:9090").transform((url) =>
    url.replace(/\/+$/, "")
  ),
  /** Grafana, embedded on the monitoring page when set. */
  GRAFANA_URL: optionalUrl,
}).superRefine((env, ctx) => {
  // A leftover shared password would look like protection while doing nothing; say so loudly.
  for (const name of ["ADMIN_USER", "ADMIN_PASSWORD"] as const) {
    if (env[name] !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message:
          "shared basic auth was removed; unset it and create personal accounts with admin/cli/users.ts",
      });
    }
  }
});

/** The resolved admin configuration. */
export type AdminConfig = z.output<typeof AdminConfigSchema>;

/** Parses the environment, listing every invalid variable at once. */
export function loadConfig(env: Record<string, string | undefined>): AdminConfig {
  return parseConfig(AdminConfigSchema, env);
}
