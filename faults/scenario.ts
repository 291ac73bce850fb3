/** What every scenario module exports, and the small helpers they share. */
import type { Check, ScenarioResult } from "./compare.ts";
import { audit } from "./audit.ts";
import { createLoad, type Load } from "./load.ts";
import {
  type FaultPipeline,
  type FaultPipelineOptions,
  type ServiceName,
  startFaultPipeline,
  type SupervisedService,
} from "./testing/pipeline.ts";

/** How hard and how long a scenario runs. */
export interface ScenarioSize {
  /** Events per second of the load. */
  rate: number;
  /** Seconds of load around the fault (the scenario splits them into phases). */
  loadS: number;
  /** Longest wait for the stores after the last acknowledgement, in ms. */
  catchUpMs: number;
}

/** The short form (`npm test`) and the full suite (`npm run faults`). */
export const SIZES = {
  short: { rate: 20, loadS: 10, catchUpMs: 120_000 },
  full: { rate: 25, loadS: 40, catchUpMs: 180_000 },
} as const satisfies Record<string, ScenarioSize>;

/** One scenario of the suite. */
export interface Scenario {
  /** "1 kafka broker SIGKILL": the number of issue 15 and what happens. */
  name: string;
  /** Short tag for ids and topics. */
  tag: string;
  /**
   * Runs against `shared` when given (scenarios on the stack's broker can share one pipeline,
   * each auditing its own id prefix), else against a pipeline of its own.
   */
  run(size: ScenarioSize, shared?: FaultPipeline): Promise<ScenarioResult>;
}

/**
 * The services the suite's shared pipeline runs under `npm start`'s supervisor: scenarios 3 and 4
 * crash them and the supervisor restarts them.
 */
export const SUPERVISED: ServiceName[] = ["enrich", "sink"];

/**
 * Calls `fn` with `shared`, or with a pipeline of its own (enrich and sink supervised, as in the
 * shared one) that is torn down afterwards.
 */
export async function withPipeline<T>(
  tag: string,
  shared: FaultPipeline | undefined,
  fn: (pipeline: FaultPipeline) => Promise<T>,
  opts: Omit<FaultPipelineOptions, "name"> = { supervised: SUPERVISED },
): Promise<T> {
  if (shared) return await fn(shared);
  await using own = await startFaultPipeline({ name: tag, ...opts });
  return await fn(own);
}

/** The scenario's load, aimed at the pipeline's current ingest, its ids under `<prefix><tag>_`. */
export function loadFor(pipeline: FaultPipeline, size: ScenarioSize, tag: string): Load {
  return createLoad({
    rate: size.rate,
    prefix: `${pipeline.prefix}${tag}_`,
    writeKey: pipeline.writeKey,
    ingestUrl: () => pipeline.ingestUrl(),
  });
}

/** The audit of `load` against the pipeline's stores, with the scenario's checks. */
export function auditLoad(
  scenario: Scenario,
  pipeline: FaultPipeline,
  load: Load,
  size: ScenarioSize,
  checks: Check[] = [],
  afterCatchUp?: () => Promise<Check[]>,
): Promise<ScenarioResult> {
  return audit(scenario.name, {
    ledger: load.ledger,
    stores: pipeline.stores,
    prefix: load.prefix,
    catchUpMs: size.catchUpMs,
    checks,
    afterCatchUp,
  });
}

/** A check from a condition and what was seen. */
export function check(name: string, ok: boolean, detail: string): Check {
  return { name, ok, detail };
}

/**
 * A check that the supervisor, not the scenario, restarted the crashed service: its restart
 * counter went from `before` to `before + 1` and the new process has another pid.
 */
export function supervisorRestartCheck(
  service: SupervisedService,
  before: { restarts: number; pid: number },
): Check {
  const now = service.status();
  return check(
    `the supervisor restarted ${now.name} (restarts +1, new pid)`,
    now.restarts === before.restarts + 1 && now.pid !== null && now.pid !== before.pid,
    `restarts ${before.restarts} → ${now.restarts}, pid ${before.pid} → ${now.pid}`,
  );
}

/** A check that `status` is the exit of a SIGKILL (the fault landed as a crash). */
export function killedCheck(what: string, status: Deno.CommandStatus): Check {
  return check(`${what} died by SIGKILL`, status.signal === "SIGKILL", JSON.stringify(status));
}
