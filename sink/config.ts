/** The sink's environment, parsed once by `main.ts`. */
import { z } from "zod";
import {
  deadLetterEnv,
  infraEnv,
  list,
  nonNegativeInt,
  opsEnv,
  parseConfig,
  positiveInt,
  topicEnv,
} from "../shared/config.ts";
import { aliasesOf, canonicalEvent } from "../shared/events/mod.ts";
import { DEFAULT_CRITICAL_EVENTS } from "./core/postgres_plan.ts";

/** `purchase` → every name of purchase in the event vocabulary; other names stay as they are. */
function withAliases(names: string[]): string[] {
  const expanded = names.flatMap((name) => {
    const canonical = canonicalEvent(name);
    return canonical === name ? aliasesOf(canonical) : [name];
  });
  return [...new Set(expanded)];
}

/** Zod schema of the sink's environment variables. */
export const SinkEnvSchema = z.object({
  ...infraEnv,
  ...topicEnv,
  ...deadLetterEnv,
  ...opsEnv(8082),
  /** Events per store write. */
  SINK_BATCH_SIZE: positiveInt(5000),
  /** Longest an event waits for its batch to fill, in ms. */
  SINK_FLUSH_MS: positiveInt(1000),
  /** Events held in memory per store at most (the batch buffer cap). */
  SINK_MAX_BUFFERED: positiveInt(20000),
  /** First retry delay after a store failure, in ms (doubles, with jitter). */
  SINK_RETRY_BASE_MS: positiveInt(200),
  /** Longest retry delay, in ms. */
  SINK_RETRY_MAX_MS: positiveInt(30000),
  /**
   * Event names stored in PostgreSQL; identify and alias calls always are. A canonical name of
   * the event vocabulary brings its aliases (`purchase` also stores `order_completed`).
   */
  CRITICAL_EVENTS: list([...DEFAULT_CRITICAL_EVENTS]).transform(withAliases),
  /** Which stores this process writes (both by default). */
  SINK_STORES: list(["clickhouse", "postgres"]).pipe(
    z.array(z.enum(["clickhouse", "postgres"])).min(1),
  ),
  SINK_CLICKHOUSE_GROUP: z.string().min(1).default("sink-clickhouse"),
  SINK_POSTGRES_GROUP: z.string().min(1).default("sink-postgres"),
  /** Longest a graceful shutdown waits for a store that is down, in ms. */
  SINK_SHUTDOWN_GRACE_MS: positiveInt(10000),
  /**
   * Test-only fault injection for the fault suite (docs/reliability.md, scenario 4): after this
   * many ClickHouse inserts the process SIGKILLs itself, after the insert and before the batch's
   * offsets are committed. 0 (the default) never; never set it in production.
   */
  SINK_FAULT_KILL_AFTER_CLICKHOUSE_INSERTS: nonNegativeInt(0),
});

/** The sink's resolved configuration. */
export type SinkConfig = z.output<typeof SinkEnvSchema>;

/** Parses the sink's environment, listing every bad variable at once. */
export function loadConfig(env: Record<string, string | undefined>): SinkConfig {
  const config = parseConfig(SinkEnvSchema, env);
  if (config.SINK_MAX_BUFFERED < config.SINK_BATCH_SIZE) {
    return parseConfig(
      SinkEnvSchema.refine(() => false, {
        path: ["SINK_MAX_BUFFERED"],
        message: `must be at least SINK_BATCH_SIZE (${config.SINK_BATCH_SIZE})`,
      }),
      env,
    );
  }
  return config;
}
