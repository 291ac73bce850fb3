/**
 * The batch handler: enriched events in, alerts out (and dead letters for what could not go).
 *
 * At-least-once: the handler resolves only after every alert of the batch was delivered or
 * dead-lettered, and shared/kafka commits the batch only then. Deliveries are remembered in
 * Redis, so a redelivered batch does not alert twice.
 */
import { type DeadLetterKeyring, EnrichedEventSchema, parseMessage } from "../shared/events/mod.ts";
import {
  type Batch,
  type IncomingMessage,
  kafkaDeadLetters,
  type Producer,
} from "../shared/kafka/mod.ts";
import type { Logger } from "../shared/log.ts";
import type { Clock } from "../shared/time.ts";
import {
  collectDeadLetters,
  type DeadLetterBatch,
  dlq,
  ok,
  type Outcome,
  retryLater,
} from "../shared/pipeline.ts";
import type { Destination } from "./adapters/destination.ts";
import { deliveryOutcome } from "./adapters/http_delivery.ts";
import { type Ledger, UNKNOWN } from "./adapters/ledger.ts";
import type { Alert } from "./core/format.ts";
import { matchingRules, throttleKey } from "./core/match.ts";
import type { Rule } from "./core/rules.ts";
import type { AlertsMetrics } from "./metrics.ts";

/** The dead-letter `stage` of this service. */
export const STAGE = "alerts";

/** Dependencies of {@link createAlertHandler}. */
export interface AlertHandlerDeps {
  rules: Rule[];
  destinations: Map<string, Destination>;
  ledger: Ledger;
  producer: Pick<Producer, "send">;
  deadLetterTopic: string;
  /** Seals dead-letter payloads (shared/events/dead_letter_seal.ts); none: in clear. */
  deadLetterKeys?: DeadLetterKeyring | null;
  metrics: AlertsMetrics;
  logger: Logger;
  /** Alerts delivered at once within a batch (default 16). */
  concurrency?: number;
  /** The clock of dead letters' `failed_at` (default the system clock). */
  clock?: Pick<Clock, "now">;
}

/** Runs `tasks` with at most `limit` in flight. */
async function runLimited(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** Builds the handler passed to `consumer.run`. */
export function createAlertHandler(deps: AlertHandlerDeps): (batch: Batch) => Promise<void> {
  const { metrics, logger, ledger } = deps;

  const deadLetters = kafkaDeadLetters(deps.producer, deps.deadLetterTopic, {
    keyring: deps.deadLetterKeys,
  });

  /** Sends one alert to one destination: `retry` when shutdown interrupted it. */
  const deliver = async (alert: Alert, destination: Destination): Promise<Outcome<void>> => {
    const { rule, event } = alert;
    const started = performance.now();
    const result = await destination.send(alert);
    metrics.deliveryDuration.observe(
      { destination: destination.id },
      (performance.now() - started) / 1000,
    );
    if (result.ok) {
      metrics.delivered.inc({ destination: destination.id, outcome: deliveryOutcome(result) });
      if (!(await ledger.markDelivered(rule.id, event.event_id, destination.id))) {
        logger.warn("Delivered alert could not be recorded; a redelivery would send it again", {
          rule: rule.id,
          event_id: event.event_id,
          destination: destination.id,
        });
      }
      return ok(undefined);
    }
    if (result.reason === "DELIVERY_ABORTED") {
      // Shutting down: not a failure of the destination, so no dead letter; the batch stays
      // uncommitted and the next owner re-sends only what the ledger does not list.
      return retryLater(result.error);
    }
    metrics.delivered.inc({ destination: destination.id, outcome: deliveryOutcome(result) });
    const error = `Alert "${rule.id}" to ${destination.id} failed: ${result.error}`;
    logger.warn("Alert not delivered, dead-lettering it", {
      rule: rule.id,
      event_id: event.event_id,
      destination: destination.id,
      error,
    });
    return dlq(result.reason, error);
  };

  /** Everything for one alert: idempotency, throttle, delivery to each destination. */
  const process = async (
    alert: Alert,
    message: IncomingMessage,
    batch: { dead: DeadLetterBatch; aborted: number },
  ) => {
    const { rule, event } = alert;
    const pending: Destination[] = [];
    for (const id of rule.destinations) {
      const destination = deps.destinations.get(id);
      if (!destination) {
        metrics.delivered.inc({ destination: id, outcome: "unconfigured" });
        continue;
      }
      const done = await ledger.wasDelivered(rule.id, event.event_id, id);
      if (done === true) metrics.delivered.inc({ destination: id, outcome: "duplicate" });
      else pending.push(destination);
    }
    if (pending.length === 0) return;
    const key = throttleKey(rule, event);
    if (key !== null && rule.throttle) {
      const claim = await ledger.claimThrottle(
        rule.id,
        key,
        event.event_id,
        rule.throttle.windowSeconds,
      );
      if (claim === false) {
        metrics.throttled.inc({ rule: rule.id });
        return;
      }
      if (claim === UNKNOWN) logger.debug("Throttle unknown (Redis down), alerting anyway");
    }
    const outcomes = await Promise.all(pending.map((d) => deliver(alert, d)));
    for (const outcome of outcomes) {
      if (outcome.kind === "retry") batch.aborted++;
      else if (outcome.kind === "dlq") {
        batch.dead.add(message, { ...outcome, eventId: event.event_id });
      }
    }
  };

  return async (batch) => {
    metrics.consumed.inc(batch.messages.length);
    const state = { dead: collectDeadLetters(STAGE, { clock: deps.clock }), aborted: 0 };
    const { dead } = state;
    const tasks: Array<() => Promise<void>> = [];
    const seen = new Set<string>();
    for (const message of batch.messages) {
      const parsed = parseMessage(EnrichedEventSchema, message.value);
      if (!parsed.ok) {
        dead.add(message, parsed);
        continue;
      }
      const event = parsed.value;
      // A producer retry can put one event twice in a batch: alert once.
      if (seen.has(event.event_id)) continue;
      seen.add(event.event_id);
      for (const rule of matchingRules(deps.rules, event)) {
        metrics.matched.inc({ rule: rule.id });
        tasks.push(() => process({ rule, event }, message, state));
      }
    }
    await runLimited(tasks, deps.concurrency ?? 16);
    if (state.aborted > 0) {
      // Rejecting leaves the batch uncommitted (shared/kafka does not retry while closing).
      throw new Error(
        `Shutting down: ${state.aborted} alert deliveries were interrupted; the batch of ` +
          `"${batch.topic}" partition ${batch.partition} will be redelivered`,
      );
    }
    // A failed produce rejects the handler: the batch is redelivered, sent alerts are skipped.
    await deadLetters.send(dead.records);
    for (const [reason, n] of dead.counts()) metrics.deadLetter.inc({ reason }, n);
  };
}
