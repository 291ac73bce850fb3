/**
 * alerts' environment: one schema, parsed once by `main.ts`.
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

/** The dead_letter topic's retention in compose (retention.ms 2592000000): 30 days. */
export const DEAD_LETTER_RETENTION_SECONDS = 30 * 86_400;

/** One webhook destination: where to POST and the secret its signature is made with. */
export const WebhookSpecSchema = z.object({
  url: z.string().url().refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL"),
  secret: z.string().min(16, "must be at least 16 characters"),
  /** Per-destination request timeout; defaults to DELIVERY_TIMEOUT_MS. */
  timeout_ms: z.number().int().positive().optional(),
});

/** A named webhook destination. */
export type WebhookSpec = z.infer<typeof WebhookSpecSchema>;

const NAME = /^[a-z0-9_-]{1,64}$/;

/** A `{ "<name>": value }` map whose names can appear in `webhook:<name>` / `telegram:<name>`. */
function named<T extends z.ZodType>(value: T) {
  return z.record(z.string(), value).superRefine((record, ctx) => {
    for (const name of Object.keys(record)) {
      if (!NAME.test(name)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `name "${name}" must be 1-64 of lowercase a-z, 0-9, _ or -`,
        });
      }
    }
  });
}

/** A JSON object in one environment variable, validated with `schema`. */
function jsonEnv<T extends z.ZodType>(schema: T) {
  return z.string().optional().transform((text, ctx): z.output<T> | undefined => {
    if (text === undefined || text.trim() === "") return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `is not JSON: ${(error as Error).message}` });
      return z.NEVER;
    }
    const result = schema.safeParse(json);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: "custom", message: `${issue.path.join(".")}: ${issue.message}` });
    }
    return z.NEVER;
  });
}

/** Zod schema of alerts' environment. */
export const AlertsEnvSchema = z.object({
  ...infraEnv,
  ...topicEnv,
  ...deadLetterEnv,
  ...opsEnv(8083),
  // Alerts are about now: a new group starts at the end of the topic unless FROM_BEGINNING is set.
  ...consumerEnv({ group: "alerts", batchSize: 200, fromBeginning: false }),
  /** The rules file (JSON), read and validated at start. */
  ALERT_RULES_FILE: z.string().min(1).default("alerts/rules.json"),
  /** `{"<name>": {"url": "...", "secret": "..."}}`: destinations `webhook:<name>`. */
  ALERT_WEBHOOKS: jsonEnv(named(WebhookSpecSchema)),
  /** Bot token; with TELEGRAM_CHAT_ID it defines the destination `telegram:default`. */
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, "must look like 123456:ABC-def").optional(),
  TELEGRAM_CHAT_ID: z.string().min(1).optional(),
  /** More chats for the same bot: `{"<name>": "<chat_id>"}` → `telegram:<name>`. */
  TELEGRAM_CHATS: jsonEnv(named(z.string().min(1))),
  /**
   * Bearer token Alertmanager sends to `POST /api/v1/alertmanager`; unset, the receiver is off.
   * The local stack generates one (.stack/alertmanager/receiver_token) and `npm start` passes it.
   */
  ALERTMANAGER_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /**
   * Destinations (`webhook:<name>`, `telegram:<name>`) that operations alerts go to; default
   * every configured destination.
   */
  ALERTMANAGER_DESTINATIONS: list([]),
  /** Bot API base URL; tests point it at a local stand-in. */
  TELEGRAM_API_URL: z.string().url().default("https://api.telegram.org"),
  /** Prefix of the idempotency and throttle keys in Redis (tests use their own). */
  REDIS_KEY_PREFIX: z.string().min(1).default("ef:"),
  /** Attempts per delivery before the alert is dead-lettered. */
  DELIVERY_ATTEMPTS: positiveInt(5),
  DELIVERY_TIMEOUT_MS: positiveInt(5000),
  /** First retry delay; doubles per attempt with full jitter, capped by DELIVERY_MAX_DELAY_MS. */
  DELIVERY_BASE_DELAY_MS: positiveInt(500),
  /** Cap of one retry wait, also of a destination's Retry-After. */
  DELIVERY_MAX_DELAY_MS: positiveInt(30_000),
  /** Deliveries in flight at once within one batch. */
  DELIVERY_CONCURRENCY: positiveInt(16),
  /**
   * How long a delivered alert is remembered (PostgreSQL `alert_deliveries`, pruned hourly) so a
   * redelivered or replayed event is not sent again; at least DEAD_LETTER_RETENTION_SECONDS.
   */
  IDEMPOTENCY_TTL_SECONDS: positiveInt(35 * 86_400),
  /** The dead_letter topic's retention: a replayable dead letter must find its records. */
  DEAD_LETTER_RETENTION_SECONDS: positiveInt(DEAD_LETTER_RETENTION_SECONDS),
  /** Timeout of one ledger command (PostgreSQL delivery records, Redis throttles). */
  LEDGER_TIMEOUT_MS: positiveInt(2000),
}).refine(
  (env) => (env.TELEGRAM_BOT_TOKEN === undefined) === (env.TELEGRAM_CHAT_ID === undefined),
  {
    path: ["TELEGRAM_CHAT_ID"],
    message: "TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID must be set together",
  },
).refine((env) => env.TELEGRAM_CHATS === undefined || env.TELEGRAM_BOT_TOKEN !== undefined, {
  path: ["TELEGRAM_CHATS"],
  message: "needs TELEGRAM_BOT_TOKEN",
}).refine((env) => env.IDEMPOTENCY_TTL_SECONDS >= env.DEAD_LETTER_RETENTION_SECONDS, {
  path: ["IDEMPOTENCY_TTL_SECONDS"],
  message: "must be at least DEAD_LETTER_RETENTION_SECONDS: a replayed dead letter whose " +
    "delivery record was already pruned would be alerted twice",
});

/** alerts' resolved configuration. */
export type AlertsConfig = z.output<typeof AlertsEnvSchema>;

/** Parses `env`, listing every bad variable at once. */
export function loadConfig(env: Record<string, string | undefined>): AlertsConfig {
  return parseConfig(AlertsEnvSchema, env);
}
