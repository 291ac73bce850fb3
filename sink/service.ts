/**
 * The sink process: one consumer group per store in one process, each feeding its lane, plus the
 * ops endpoints. Clients come in from `main.ts`; this wires and runs them.
 */
import { Hono } from "hono";
import type { Registry } from "../shared/metrics.ts";
import type { Logger } from "../shared/log.ts";
import { errorMessage } from "../shared/errors.ts";
import { opsRoutes, type ReadinessCheck } from "../shared/http/ops.ts";
import { type Consumer, reportLag } from "../shared/kafka/mod.ts";
import type { Clock } from "../shared/time.ts";
import type { DeadLetterSink } from "../shared/kafka/mod.ts";
import { createLane, type Lane, type Store } from "./lane.ts";
import type { SinkMetrics } from "./metrics.ts";

/** One store with its consumer and how to reach it for `/readyz`. */
export interface LaneSpec {
  // deno-lint-ignore no-explicit-any
  store: Store<any>;
  group: string;
  consumer: Consumer;
  ping: () => Promise<void>;
}

/** Options for {@link startSink}. */
export interface SinkOptions {
  deadLetters: DeadLetterSink;
  metrics: SinkMetrics;
  registry: Registry;
  logger: Logger;
  clock: Clock;
  batchSize: number;
  flushMs: number;
  maxBuffered: number;
  retryBaseMs: number;
  retryMaxMs: number;
  shutdownGraceMs: number;
  /** How often consumer lag is sampled for the metric, in ms (default 5000). */
  lagIntervalMs?: number;
}

/** A running sink. */
export interface RunningSink {
  app: Hono;
  /** Makes `/readyz` answer 503 from now on, so a load balancer stops routing here. */
  drain(): void;
  /** Marks the sink draining, lets lanes finish their batch (up to the grace time), leaves the groups. */
  stop(): Promise<void>;
  /** Resolves when a consumer loop ended (after stop, or on a fatal error). */
  done: Promise<void>;
}

/**
 * Starts one lane per spec. Only the ClickHouse lane dead-letters messages that fail the schema:
 * every lane, in this process or in another one (`SINK_STORES`), reads the same message.
 */
export function startSink(specs: readonly LaneSpec[], opts: SinkOptions): RunningSink {
  let draining = false;
  const lanes: { spec: LaneSpec; lane: Lane }[] = specs.map((spec) => ({
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

  const runs = lanes.map(({ spec, lane }) =>
    spec.consumer.run((batch) => lane.handle(batch)).catch((error) => {
      opts.logger.error("Consumer stopped", { group: spec.group, error: errorMessage(error) });
      throw error;
    })
  );

  const stopLag = lanes.map(({ spec }) =>
    reportLag(spec.consumer, opts.metrics.consumerLag, {
      group: spec.group,
      intervalMs: opts.lagIntervalMs,
      logger: opts.logger,
    })
  );

  const checks: ReadinessCheck[] = lanes.map(({ spec, lane }) => ({
    name: spec.store.name,
    check: async () => {
      if (!lane.isUp()) {
        throw new Error(`Writes to ${spec.store.name} are failing: ${lane.lastError()}`);
      }
      await spec.ping();
    },
  }));
  const app = new Hono();
  app.route("/", opsRoutes({ registry: opts.registry, checks, isDraining: () => draining }));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      draining = true;
      stopLag.forEach((stopOne) => stopOne());
      // A lane stuck on a down store would hold close() forever; give it the grace time.
      const grace = setTimeout(
        () => lanes.forEach(({ lane }) => lane.abort()),
        opts.shutdownGraceMs,
      );
      try {
        await Promise.all(lanes.map(({ spec }) => spec.consumer.close()));
      } finally {
        clearTimeout(grace);
      }
    })();
    return stopping;
  };

  const drain = () => {
    draining = true;
  };
  return { app, drain, stop, done: Promise.all(runs).then(() => {}) };
}
