/**
 * The frame every Kafka consumer service shares (enrich, alerts, the sink's lanes): producer,
 * consumers, lag sampling, `/healthz` `/readyz` `/metrics`, draining on SIGTERM, exit on a
 * crashed consumer. A service's `main.ts` loads its config, builds its adapters and hands
 * {@link runConsumerService} its handlers; the frame does the rest.
 *
 * @module
 */
import { Hono } from "hono";
import { errorMessage } from "../errors.ts";
import { opsRoutes, type ReadinessCheck } from "../http/ops.ts";
import { serveUntilSignal } from "../http/serve.ts";
import type { Logger } from "../log.ts";
import type { Registry } from "../metrics.ts";
import { type Admin, createAdmin } from "./admin.ts";
import { type Consumer, type ConsumerOptions, createConsumer } from "./consumer.ts";
import { type ConsumerLagGauge, reportLag } from "./lag.ts";
import { logConsumerErrors } from "./log_errors.ts";
import type { Batch } from "./message.ts";
import { createProducer, type Producer } from "./producer.ts";

/** One consumer group of a service: its consumer and the handler of its batches. */
export interface ConsumerGroupRun {
  group: string;
  consumer: Consumer;
  /** Resolves once the batch may be committed; rejects to have it redelivered. */
  handle: (batch: Batch) => Promise<void>;
}

/** In-flight work to cut short on shutdown, so a stuck handler cannot hold `close()` forever. */
export interface AbortInFlight {
  /** How long after the consumers were asked to close `abort` is called (0: at once). */
  afterMs: number;
  /** Makes the in-flight handlers reject, so their batches stay uncommitted. */
  abort: () => void;
}

/** Options of {@link startConsumers}. */
export interface StartConsumersOptions {
  registry: Registry;
  logger: Logger;
  lagGauge: ConsumerLagGauge;
  /** How often consumer lag is sampled for the gauge, in ms (default 5000). */
  lagIntervalMs?: number;
  /** What `/readyz` checks. */
  checks?: ReadinessCheck[];
  abortInFlight?: AbortInFlight;
}

/** Running consumer groups and their ops endpoints. */
export interface RunningConsumers {
  /** `/healthz`, `/readyz`, `/metrics`. */
  app: Hono;
  /** Makes `/readyz` answer 503 from now on, so a load balancer stops routing here. */
  drain(): void;
  /** Drains, stops the lag timers, lets handlers finish their batch and leaves the groups. */
  stop(): Promise<void>;
  /** Resolves when every consumer loop ended after `stop()`; rejects when one died. */
  done: Promise<void>;
}

/** Runs every group's consumer with its handler and samples its lag; serves nothing itself. */
export function startConsumers(
  groups: readonly ConsumerGroupRun[],
  opts: StartConsumersOptions,
): RunningConsumers {
  let draining = false;
  const runs = groups.map(({ group, consumer, handle }) =>
    consumer.run(handle).catch((error) => {
      opts.logger.error("Consumer stopped", { group, error: errorMessage(error) });
      throw error;
    })
  );
  const stopLag = groups.map(({ group, consumer }) =>
    reportLag(consumer, opts.lagGauge, {
      group,
      intervalMs: opts.lagIntervalMs,
      logger: opts.logger,
    })
  );
  const app = new Hono();
  app.route(
    "/",
    opsRoutes({ registry: opts.registry, checks: opts.checks, isDraining: () => draining }),
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      draining = true;
      stopLag.forEach((stopOne) => stopOne());
      // close() marks each consumer closing at once, so an abort after it cannot be mistaken
      // for a failed batch to redeliver.
      const closed = Promise.all(groups.map(({ consumer }) => consumer.close()));
      const abort = opts.abortInFlight;
      const timer = abort ? setTimeout(abort.abort, abort.afterMs) : undefined;
      try {
        await closed;
      } finally {
        clearTimeout(timer);
      }
    })();
    return stopping;
  };
  const drain = () => {
    draining = true;
  };
  return { app, drain, stop, done: Promise.all(runs).then(() => {}) };
}

/** What a service hands the frame once its producer and consumers exist. */
export interface ServiceWiring {
  /** One handler per entry of {@link ConsumerServiceOptions.groups}, in the same order. */
  handlers: Array<(batch: Batch) => Promise<void>>;
  /** Readiness checks besides Kafka's, which the frame adds. */
  checks?: ReadinessCheck[];
  abortInFlight?: AbortInFlight;
  /** Closes the service's own clients, after the consumers and the producer closed. */
  close?: () => Promise<void>;
  /** Logged with the "Consuming" line once the service runs. */
  describe?: Record<string, unknown>;
}

/** The part of a service's environment the frame reads (`opsEnv`, `infraEnv` in shared/config.ts). */
export interface FrameEnv {
  KAFKA_BROKERS: string[];
  /** The ops port (0: any free port). */
  PORT: number;
  /** Interface the ops port binds (default 127.0.0.1). */
  HOST?: string;
  /** How long `/readyz` answers 503 before the listener closes on SIGTERM. */
  SHUTDOWN_DELAY_MS: number;
  /** How often consumer lag is sampled (default 5000). */
  LAG_INTERVAL_MS?: number;
}

/** The environment of a service with one consumer group (`consumerEnv` in shared/config.ts). */
export interface ConsumerGroupEnv {
  CONSUMER_GROUP: string;
  BATCH_SIZE: number;
  FROM_BEGINNING: boolean;
}

/** The consumer options of a service's one group, reading `topic`. */
export function consumerGroupOf(env: ConsumerGroupEnv, topic: string): ConsumerOptions {
  return {
    groupId: env.CONSUMER_GROUP,
    topics: [topic],
    fromBeginning: env.FROM_BEGINNING,
    maxBatchSize: env.BATCH_SIZE,
  };
}

/** Options of {@link runConsumerService}. */
export interface ConsumerServiceOptions {
  /** The Kafka client id, e.g. `enrich` (the admin client is `<name>-admin`). */
  name: string;
  env: FrameEnv;
  logger: Logger;
  registry: Registry;
  lagGauge: ConsumerLagGauge;
  /** The consumer groups to join; `onError` defaults to logging through `logger`. */
  groups: ConsumerOptions[];
  /** Builds the handlers once the producer and the consumers (in `groups` order) exist. */
  wire(
    clients: { producer: Producer; consumers: Consumer[] },
  ): ServiceWiring | Promise<ServiceWiring>;
}

/** The `/readyz` check that a Kafka broker answers. */
export function kafkaCheck(admin: Pick<Admin, "ping">): ReadinessCheck {
  return {
    name: "kafka",
    check: async () => {
      if (!(await admin.ping())) throw new Error("no broker answered");
    },
  };
}

/**
 * Runs a consumer service until SIGTERM/SIGINT. Startup: admin client, producer, consumers,
 * `wire()`, consumer loops and lag sampling, then the ops server. On a signal `/readyz` turns
 * 503 at once, the server keeps answering for `drainDelayMs`, then the consumers finish their
 * in-flight batch, commit it and leave their groups (`abortInFlight` cuts stuck work short), the
 * producer flushes, and the service's own clients close. A consumer loop that dies for good shuts
 * the service down and exits with status 1, so the supervisor restarts it.
 */
export async function runConsumerService(opts: ConsumerServiceOptions): Promise<void> {
  const { logger, env } = opts;
  const kafka = { brokers: env.KAFKA_BROKERS, clientId: opts.name };
  const admin = await createAdmin({ ...kafka, clientId: `${opts.name}-admin` });
  const producer = await createProducer(kafka);
  const consumers = await Promise.all(opts.groups.map((group) =>
    createConsumer(kafka, {
      ...group,
      onError: group.onError ?? logConsumerErrors(logger, group.groupId),
    })
  ));
  const wiring = await opts.wire({ producer, consumers });
  if (wiring.handlers.length !== consumers.length) {
    throw new Error(
      `Cannot start ${opts.name}: ${consumers.length} consumer group(s) but ` +
        `${wiring.handlers.length} handler(s)`,
    );
  }
  const running = startConsumers(
    consumers.map((consumer, i) => ({
      group: opts.groups[i]!.groupId,
      consumer,
      handle: wiring.handlers[i]!,
    })),
    {
      registry: opts.registry,
      logger,
      lagGauge: opts.lagGauge,
      lagIntervalMs: env.LAG_INTERVAL_MS,
      checks: [kafkaCheck(admin), ...(wiring.checks ?? [])],
      abortInFlight: wiring.abortInFlight,
    },
  );
  const server = serveUntilSignal(running.app.fetch, {
    port: env.PORT,
    hostname: env.HOST,
    drainDelayMs: env.SHUTDOWN_DELAY_MS,
    logger,
    onSignal: running.drain,
    onShutdown: async () => {
      await running.stop();
      await producer.close();
      await admin.close();
      await wiring.close?.();
    },
  });
  logger.info("Consuming", {
    topics: [...new Set(opts.groups.flatMap((g) => g.topics))],
    groups: opts.groups.map((g) => g.groupId),
    port: server.port,
    ...wiring.describe,
  });
  running.done.catch(async () => {
    await server.shutdown();
    Deno.exit(1);
  });
  await server.finished;
}
