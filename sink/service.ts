/**
 * The sink's consumer groups: one per store, each feeding its lane, run by the shared consumer
 * frame (shared/kafka/service.ts). Clients come in from `main.ts`; this wires the lanes.
 */
import type { ReadinessCheck } from "../shared/http/ops.ts";
import {
  type AbortInFlight,
  type Consumer,
  type ConsumerGroupRun,
  type RunningConsumers,
  startConsumers,
} from "../shared/kafka/mod.ts";
import type { Registry } from "../shared/metrics.ts";
import { createLane, type LaneOptions, type Store } from "./lane.ts";

/** One store with its consumer and how to reach it for `/readyz`. */
export interface LaneSpec {
  // deno-lint-ignore no-explicit-any
  store: Store<any>;
  group: string;
  consumer: Consumer;
  ping: () => Promise<void>;
}

/** Options for {@link sinkLanes}: every lane's, plus the retry and shutdown settings. */
export interface LanesOptions extends
  Pick<
    LaneOptions,
    "deadLetters" | "metrics" | "logger" | "clock" | "batchSize" | "flushMs" | "maxBuffered"
  > {
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long stopping waits for a lane stuck on a down store before aborting its write. */
  shutdownGraceMs: number;
}

/** The lanes as consumer groups for the frame, their readiness checks and their abort. */
export interface SinkLanes {
  groups: ConsumerGroupRun[];
  checks: ReadinessCheck[];
  abortInFlight: AbortInFlight;
}

/**
 * Builds one lane per spec. Only the ClickHouse lane dead-letters messages that fail the schema:
 * every lane, in this process or in another one (`SINK_STORES`), reads the same message.
 */
export function sinkLanes(specs: readonly LaneSpec[], opts: LanesOptions): SinkLanes {
  const lanes = specs.map((spec) => ({
    spec,
    lane: createLane(spec.store, {
      deadLetters: opts.deadLetters,
      metrics: opts.metrics,
      logger: opts.logger,
      clock: opts.clock,
      batchSize: opts.batchSize,
      flushMs: opts.flushMs,
      maxBuffered: opts.maxBuffered,
      backoff: { baseMs: opts.retryBaseMs, maxMs: opts.retryMaxMs },
      deadLetterInvalid: spec.store.name === "clickhouse",
      onOutage: (down) => (down ? spec.consumer.pause() : spec.consumer.resume()),
    }),
  }));
  return {
    groups: lanes.map(({ spec, lane }) => ({
      group: spec.group,
      consumer: spec.consumer,
      handle: (batch) => lane.handle(batch),
    })),
    checks: lanes.map(({ spec, lane }) => ({
      name: spec.store.name,
      check: async () => {
        if (!lane.isUp()) {
          throw new Error(`Writes to ${spec.store.name} are failing: ${lane.lastError()}`);
        }
        await spec.ping();
      },
    })),
    // A lane stuck on a down store would hold close() forever; give it the grace time.
    abortInFlight: {
      afterMs: opts.shutdownGraceMs,
      abort: () => lanes.forEach(({ lane }) => lane.abort()),
    },
  };
}

/** Options for {@link startSink}. */
export interface SinkOptions extends LanesOptions {
  registry: Registry;
  /** How often consumer lag is sampled for the metric, in ms (default 5000). */
  lagIntervalMs?: number;
}

/** Starts the lanes over their consumers, with the ops endpoints (no HTTP server, no Kafka check). */
export function startSink(specs: readonly LaneSpec[], opts: SinkOptions): RunningConsumers {
  const lanes = sinkLanes(specs, opts);
  return startConsumers(lanes.groups, {
    registry: opts.registry,
    logger: opts.logger,
    lagGauge: opts.metrics.consumerLag,
    lagIntervalMs: opts.lagIntervalMs,
    checks: lanes.checks,
    abortInFlight: lanes.abortInFlight,
  });
}
