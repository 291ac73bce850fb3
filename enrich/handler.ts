/**
 * The batch handler: raw messages in, enriched events and dead-letter records out.
 *
 * At-least-once: the handler resolves only after Kafka acknowledged every output message, and
 * shared/kafka commits the batch only then. A produce that keeps failing rejects the handler, so
 * the consumer redelivers the batch; duplicates carry the same event_id and are idempotent
 * downstream.
 */
import { partitionKey, RAW_SCHEMA_VERSION, RawEventSchema } from "../shared/events/mod.ts";
import type { DeadLetterKeyring, RawEvent } from "../shared/events/mod.ts";
import { parseMessage } from "../shared/events/parse.ts";
import {
  type Batch,
  kafkaDeadLetters,
  type OutgoingMessage,
  type Producer,
} from "../shared/kafka/mod.ts";
import { collectDeadLetters } from "../shared/pipeline.ts";
import { errorMessage } from "../shared/errors.ts";
import type { Logger } from "../shared/log.ts";
import { type BackoffOptions, retry } from "../shared/retry.ts";
import type { Clock } from "../shared/time.ts";
import type { EnrichMetrics } from "./metrics.ts";
import type { Pipeline } from "./steps/pipeline.ts";
import { FailClosedError } from "./steps/types.ts";

/** The dead-letter `stage` of this service. */
export const STAGE = "enrich";

/** Re-exported for the code that imported it from here; tools/dlq.ts reads it from shared. */
export { REPLAYS_HEADER } from "../shared/events/mod.ts";

/** Dependencies of {@link createBatchHandler}. */
export interface HandlerDeps {
  /**
   * Prefetches a batch's lookups and returns the pipeline reading them plus the write-back of the
   * batch's state (wiring.ts); resolved once per batch, before any event is enriched.
   */
  prepare: (events: RawEvent[]) => Promise<{ pipeline: Pipeline; flush(): Promise<void> }>;
  producer: Pick<Producer, "send">;
  topics: { enriched: string; deadLetter: string };
  /** Seals dead-letter payloads (shared/events/dead_letter_seal.ts); none: in clear. */
  deadLetterKeys?: DeadLetterKeyring | null;
  metrics: EnrichMetrics;
  logger: Logger;
  /**
   * Visitor groups enriched at once (default 16): bounded so per-event fallback lookups do not
   * outrun the DB pool; with prefetched lookups the steps are CPU work and need no more.
   */
  concurrency?: number;
  /** Produce attempts before the handler gives up and the batch is redelivered (default 5). */
  produceAttempts?: number;
  /** Waits between produce attempts: 100 ms doubling up to 5 s, jittered (see shared/retry.ts). */
  backoff?: BackoffOptions;
  /** The clock of those waits and of `failed_at` (default the system clock). */
  clock?: Clock;
}

/** Result of reading one message: a raw event or why it is unreadable. */
export type Parsed =
  | { ok: true; event: RawEvent }
  | { ok: false; reason: string; error: string; eventId: string | null };

/** Parses one message; a future `schema_version` gets its own reason so it can be replayed later. */
export function parseRaw(value: Uint8Array): Parsed {
  const result = parseMessage(RawEventSchema, value);
  if (result.ok) return { ok: true, event: result.value };
  if (result.reason === "SCHEMA_MISMATCH") {
    // Only a version we do not read is worth replaying after an upgrade; `42`, `[]` or an object
    // without schema_version is a broken producer, whatever version comes next.
    const json: unknown = JSON.parse(new TextDecoder().decode(value));
    const version = typeof json === "object" && json !== null && !Array.isArray(json)
      ? (json as { schema_version?: unknown }).schema_version
      : undefined;
    if (version !== undefined && version !== null && version !== RAW_SCHEMA_VERSION) {
      return {
        ok: false,
        reason: "UNKNOWN_SCHEMA_VERSION",
        error: `Message has schema_version ${
          JSON.stringify(version)
        }; this enrich reads version ${RAW_SCHEMA_VERSION}`,
        eventId: result.eventId,
      };
    }
  }
  return result;
}

/**
 * Groups events that share a visitor: the same user id or the same anonymous id, transitively
 * (an identify joins its anonymous and user events). Session state is keyed by anonymous id and
 * partitions by user id, so grouping by either alone would let two groups race on one state.
 * Groups and the events in them keep batch order.
 */
export function visitorGroups<E extends { event: RawEvent }>(events: E[]): Map<number, E[]> {
  const parent: number[] = [];
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  events.forEach(({ event }, i) => {
    parent[i] = i;
    // Unprefixed on purpose: the session key is `anonymous_id ?? user_id`, one namespace.
    const ids = [event.user_id, event.anonymous_id].filter((id) => id !== null);
    if (ids.length === 0) ids.push(event.event_id);
    for (const id of ids) {
      const seen = owner.get(id);
      if (seen === undefined) owner.set(id, i);
      else {
        const [a, b] = [find(seen), find(i)];
        // The earlier event's root wins, so a group is ordered by its first event.
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const groups = new Map<number, E[]>();
  events.forEach((entry, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(entry);
    else groups.set(root, [entry]);
  });
  return groups;
}

/** Builds the handler passed to `consumer.run`. */
export function createBatchHandler(deps: HandlerDeps): (batch: Batch) => Promise<void> {
  const attempts = deps.produceAttempts ?? 5;
  const backoff = { baseMs: 100, maxMs: 5000, ...deps.backoff };

  const deadLetters = kafkaDeadLetters(deps.producer, deps.topics.deadLetter, {
    keyring: deps.deadLetterKeys,
  });
  /** Produces with retries; a produce that keeps failing rejects, so the batch is redelivered. */
  const produce = (topic: string, send: () => Promise<void>) =>
    retry(send, {
      attempts,
      backoff,
      clock: deps.clock,
      onRetry: (error, { attempt }) => {
        deps.metrics.produceRetries.inc();
        deps.logger.warn("Produce failed, retrying", {
          topic,
          attempt,
          error: errorMessage(error),
        });
      },
    });

  return async (batch) => {
    deps.metrics.consumed.inc(batch.messages.length);
    const dead = collectDeadLetters(STAGE, { clock: deps.clock });
    const events: Array<{ index: number; event: RawEvent }> = [];
    batch.messages.forEach((message, index) => {
      const parsed = parseRaw(message.value);
      if (parsed.ok) events.push({ index, event: parsed.event });
      else dead.add(message, parsed);
    });
    const prepared = await deps.prepare(events.map((e) => e.event));
    const enriched: Array<{ index: number; message: OutgoingMessage }> = [];
    // One visitor's events stay in order (sessions and identity links depend on it); visitors
    // run concurrently.
    const queue = [...visitorGroups(events).values()];
    const worker = async () => {
      for (let group = queue.shift(); group; group = queue.shift()) {
        for (const { index, event } of group) {
          let out;
          try {
            out = await prepared.pipeline(event);
          } catch (error) {
            // A privacy failure: the event is dead-lettered, never emitted unmasked.
            if (!(error instanceof FailClosedError)) throw error;
            dead.add(batch.messages[index]!, {
              reason: error.reason,
              error: error.message,
              eventId: event.event_id,
            });
            continue;
          }
          enriched.push({ index, message: { key: partitionKey(out), value: JSON.stringify(out) } });
        }
      }
    };
    await Promise.all(Array.from({ length: deps.concurrency ?? 16 }, worker));
    enriched.sort((a, b) => a.index - b.index);
    // Session state is written while Kafka acknowledges; both finish before the next batch.
    await Promise.all([
      prepared.flush(),
      enriched.length === 0 ? undefined : produce(
        deps.topics.enriched,
        () => deps.producer.send(deps.topics.enriched, enriched.map((e) => e.message)),
      ),
      dead.records.length === 0
        ? undefined
        : produce(deps.topics.deadLetter, () => deadLetters.send(dead.records)),
    ]);
    for (const [reason, n] of dead.counts()) deps.metrics.deadLetter.inc({ reason }, n);
    deps.metrics.produced.inc(enriched.length);
  };
}
