/** Brings the local stack's components up and down together; used by the CLI, test and start. */
import { describeMigrations, migrateAll } from "../../shared/migrate.ts";
import { clickhouseComponent } from "../clickhouse/component.ts";
import { ensureClickHouseCredentials } from "./clickhouse_users.ts";
import {
  type Component,
  COMPONENT_NAMES,
  type ComponentName,
  type ComponentStatus,
} from "./component.ts";
import type { StackConfig } from "./config.ts";
import { kafkaComponent } from "../kafka/component.ts";
import { postgresComponent } from "../postgres/component.ts";
import { prometheusComponent } from "../prometheus/component.ts";
import { redisComponent } from "../redis/component.ts";

/** Builds every component for `config`, keyed by name. */
export function createComponents(config: StackConfig): Record<ComponentName, Component> {
  return {
    kafka: kafkaComponent(config),
    clickhouse: clickhouseComponent(config),
    postgres: postgresComponent(config),
    redis: redisComponent(config),
    prometheus: prometheusComponent(config),
  };
}

/** A component that failed to come up, with the log to read. */
export interface UpFailure {
  name: ComponentName;
  message: string;
  log: string;
}

/** Outcome of {@linkcode stackUp}: what this call started, and what failed. */
export interface UpResult {
  started: ComponentName[];
  reused: ComponentName[];
  failures: UpFailure[];
}

/**
 * Brings up `names` (default all) concurrently, each with its own timeout, and never throws:
 * the caller reports failures and stops what was started.
 */
export async function stackUp(
  config: StackConfig,
  opts: { names?: readonly ComponentName[]; onProgress?: (line: string) => void } = {},
): Promise<UpResult> {
  const all = createComponents(config);
  const names = opts.names ?? COMPONENT_NAMES;
  const result: UpResult = { started: [], reused: [], failures: [] };
  await Promise.all(names.map(async (name) => {
    const component = all[name];
    try {
      const started = await component.up();
      (started ? result.started : result.reused).push(name);
      opts.onProgress?.(`${name}: ${started ? "started" : "already running, reused"}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.failures.push({ name, message, log: component.log });
      opts.onProgress?.(`${name}: failed`);
    }
  }));
  return result;
}

/** Prints each failure of `result` with the log to read; returns whether there was any. */
export function reportUpFailures(result: UpResult): boolean {
  for (const f of result.failures) {
    console.error(`error: ${f.name} did not come up: ${f.message}\n  log: ${f.log}`);
  }
  return result.failures.length > 0;
}

/** Migrates the stack's PostgreSQL and ClickHouse, printing what ran; false (printed) on failure. */
export async function migrateStack(config: StackConfig): Promise<boolean> {
  const { writer } = await ensureClickHouseCredentials(config.dir, config.clickhouse);
  const targets = {
    databaseUrl: config.postgres.url,
    clickhouseUrl: config.clickhouse.url,
    clickhouseDatabase: config.clickhouse.database,
    clickhouseUser: writer.username,
    clickhousePassword: writer.password,
  };
  try {
    for (const line of describeMigrations(await migrateAll(targets), targets)) console.log(line);
    return true;
  } catch (error) {
    console.error(`error: migrations failed: ${(error as Error).message}`);
    return false;
  }
}

/** Stops those of `names` (default all) the stack started, in reverse order; returns them. */
export async function stackDown(
  config: StackConfig,
  opts: { names?: readonly ComponentName[]; onProgress?: (line: string) => void } = {},
): Promise<ComponentName[]> {
  const all = createComponents(config);
  const names = [...(opts.names ?? COMPONENT_NAMES)].reverse();
  const stopped: ComponentName[] = [];
  const errors: string[] = [];
  // Services read Kafka/ClickHouse until they stop; stop the stores in parallel, they are independent.
  await Promise.all(names.map(async (name) => {
    try {
      if (await all[name].down()) {
        stopped.push(name);
        opts.onProgress?.(`${name}: stopped`);
      }
    } catch (error) {
      errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }));
  if (errors.length > 0) throw new Error(`Could not stop:\n  ${errors.join("\n  ")}`);
  return stopped;
}

/** The status of every component. */
export async function stackStatus(config: StackConfig): Promise<ComponentStatus[]> {
  const all = createComponents(config);
  return await Promise.all(COMPONENT_NAMES.map((name) => all[name].status()));
}
