/**
 * Parsing of environment variables into typed configuration, once, at the edge.
 *
 * Each service declares one zod schema over its environment; {@link parseConfig} reports every
 * bad variable at once so an operator fixes them in one pass.
 */
import { z } from "zod";
import { EventFlowError } from "./errors.ts";

// Values of these variables never appear in error messages: they hold keys, tokens or URLs
// with credentials.
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|WEBHOOK|SALT|KEY|_URL$/;

/** Parses `env` with `schema`, throwing one error that lists every invalid variable. */
export function parseConfig<T extends z.ZodType>(
  schema: T,
  env: Record<string, string | undefined>,
): z.output<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const variable = String(issue.path[0]);
    const value = env[variable];
    const shown = value === undefined
      ? "is not set"
      : SECRET_NAME.test(variable)
      ? "has a value (hidden: it may be a secret)"
      : `has value ${JSON.stringify(value)}`;
    return `  ${name} ${shown}: ${issue.message}`;
  });
  throw new EventFlowError(
    "CONFIG_INVALID",
    `Invalid configuration, fix these environment variables:\n${lines.join("\n")}`,
  );
}

/** A TCP port given as a string in the environment. */
export function port(fallback: number): z.ZodType<number> {
  return z.coerce.number().int().min(0).max(65535).default(fallback) as unknown as z.ZodType<
    number
  >;
}

/** A comma-separated list in the environment. */
export function list(fallback: string[]): z.ZodType<string[]> {
  return z.string().optional().transform((value) =>
    value === undefined || value.trim() === ""
      ? fallback
      : value.split(",").map((item) => item.trim()).filter((item) => item !== "")
  ) as unknown as z.ZodType<string[]>;
}

/** A positive integer in the environment. */
export function positiveInt(fallback: number): z.ZodType<number> {
  return z.coerce.number().int().positive().default(fallback) as unknown as z.ZodType<number>;
}

/** A non-negative integer in the environment, e.g. a delay where 0 means none. */
export function nonNegativeInt(fallback: number): z.ZodType<number> {
  return z.coerce.number().int().min(0).default(fallback) as unknown as z.ZodType<number>;
}

/** A boolean flag in the environment (`true`/`false`/`1`/`0`). */
export function flag(fallback: boolean): z.ZodType<boolean> {
  return z.enum(["true", "false", "1", "0"]).optional().transform((value) =>
    value === undefined ? fallback : value === "true" || value === "1"
  ) as unknown as z.ZodType<boolean>;
}

/** Environment variables every service shares: where the infrastructure is. */
export const infraEnv = {
  KAFKA_BROKERS: list(["127.0.0.1:9092"]),
  CLICKHOUSE_URL: z.string().url().default("http://127.0.0.1:8123"),
  CLICKHOUSE_DATABASE: z.string().regex(/^\w+$/).default("eventflow"),
  /**
   * ClickHouse user and password. The local stack and compose give each service its own: the
   * writer to the sink and migrations, the read-only reader to admin, query and Grafana.
   */
  CLICKHOUSE_USER: z.string().min(1).default("default"),
  CLICKHOUSE_PASSWORD: z.string().default(""),
  DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/eventflow"),
  REDIS_URL: z.string().default("redis://127.0.0.1:6379/0"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /**
   * Interface the service's HTTP server binds: this machine only unless set. Compose sets
   * `0.0.0.0` inside containers; elsewhere put a reverse proxy in front rather than widen it.
   */
  HOST: z.string().min(1).default("127.0.0.1"),
};

/** The ops server every service runs: its port, and how long it drains after SIGTERM. */
export function opsEnv(defaultPort: number) {
  return {
    PORT: port(defaultPort),
    /** Ms to keep serving, `/readyz` already 503, after SIGTERM: lets a load balancer stop routing. */
    SHUTDOWN_DELAY_MS: nonNegativeInt(0),
  };
}

/** A consumer service's group: its name, batch size, start position and lag sampling. */
export function consumerEnv(
  defaults: { group: string; batchSize: number; fromBeginning: boolean },
) {
  return {
    CONSUMER_GROUP: z.string().min(1).default(defaults.group),
    /** Messages per handler call. */
    BATCH_SIZE: positiveInt(defaults.batchSize),
    /** Read the topic from the start when the group has no committed offset. */
    FROM_BEGINNING: flag(defaults.fromBeginning),
    LAG_INTERVAL_MS: positiveInt(15_000),
  };
}

/**
 * How dead-letter payloads are kept at rest (shared/events/dead_letter_seal.ts): sealed with the
 * first of `DEAD_LETTER_KEYS`, or in clear only with the explicit `DEAD_LETTER_PLAINTEXT=true`.
 */
export const deadLetterEnv = {
  /** Comma-separated base64 32-byte keys; the first seals, all open (rotation). */
  DEAD_LETTER_KEYS: z.string().optional(),
  /** Development only: keep dead-letter payloads unencrypted when no key is set. */
  DEAD_LETTER_PLAINTEXT: flag(false),
};

/** Kafka topic names, overridable so tests can use their own. */
export const topicEnv = {
  TOPIC_RAW: z.string().default("raw_events"),
  /**
   * Hours raw_events keeps a message (retention.ms, applied when the topic is created and on
   * every start by whoever ensures it). It holds unmasked PII: keep it short; see docs/privacy.md.
   */
  TOPIC_RAW_RETENTION_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  TOPIC_ENRICHED: z.string().default("enriched_events"),
  TOPIC_DEAD_LETTER: z.string().default("dead_letter"),
};
