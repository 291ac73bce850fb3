/**
 * The batch handler: raw messages in, enriched events and dead-letter records out.
 *
 * At-least-once: the handler resolves only after Kafka acknowledged every output message, and
 * shared/kafka commits the batch only then. A produce that keeps failing rejects the handler, so
 * the consumer redelivers the batch; duplicates carry the same event_id and are idempotent
 * downstream.
 */
import {
  deadLetter,
  partitionKey,
  RAW_SCHEMA_VERSION,
  RawEventSchema,
} from "../shared/events/mod.ts";
import { type RawEvent, REPLAYS_HEADER } from "../shared/events/mod.ts";
import { parseMessage } from "../shared/events/parse.ts";
import type { Batch, IncomingMessage, OutgoingMessage, Producer } from "../shared/kafka/mod.ts";
import { errorMessage } from "../shared/errors.ts";
import type { Logger } from "../shared/log.ts";
import type { EnrichMetrics } from "./metrics.ts";
import type { Pipeline } from "./steps/pipeline.ts";

/** Header carrying how often a dead-lettered payload was replayed (set by tools/dlq.ts). */
export { REPLAYS_HEADER };

/** Dependencies of {@link createBatchHandler}. */
export interface HandlerDeps {
  /** Per-event pipeline, used when `prepare` is not given. */
  pipeline: Pipeline;
  /**
   * Prefetches a batch's lookups and returns the pipeline reading them plus the write-back of the
   * batch's state (wiring.ts); resolved once per batch, before any event is enriched.
   */
  prepare?: (events: RawEvent[]) => Promise<{ pipeline: Pipeline; flush(): Promise<void> }>;
  producer: Pick<Producer, "send">;
  topics: { enriched: string; deadLetter: string };
  metrics: EnrichMetrics;
  logger: Logger;
  /**
   * Visitor groups enriched at once (default 16): bounded so per-event fallback lookups do not
   * outrun the DB pool; with prefetched lookups the steps are CPU work and need no more.
   */
  concurrency?: number;
  /** Produce attempts before the handler gives up and the batch is redelivered (default 5). */
  produceAttempts?: number;
  /** Sleep between attempts (default setTimeout), injected so tests need no real waits. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
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

/** Exponential backoff: 100 ms, 200 ms, 400 ms… capped at 5 s. */
export function backoff(attempt: number): number {
  return Math.min(100 * 2 ** attempt, 5000);
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
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = deps.now ?? (() => new Date());

  const send = async (topic: string, messages: OutgoingMessage[]) => {
    if (messages.length === 0) return;
    for (let attempt = 0;; attempt++) {
      try {
        await deps.producer.send(topic, messages);
        return;
      } catch (error) {
        if (attempt + 1 >= attempts) throw error;
        deps.metrics.produceRetries.inc();
        deps.logger.warn("Produce failed, retrying", {
          topic,
          attempt: attempt + 1,
          error: errorMessage(error),
        });
        await sleep(backoff(attempt));
      }
    }
  };

  const toDeadLetter = (message: IncomingMessage, failure: Exclude<Parsed, { ok: true }>) => {
    const record = deadLetter(message, { stage: "enrich", ...failure }, now());
    const replays = Number(message.headers[REPLAYS_HEADER] ?? 0);
    if (Number.isInteger(replays) && replays > 0) record.replays = replays;
    deps.metrics.deadLetter.inc({ reason: failure.reason });
    return { key: failure.eventId, value: JSON.stringify(record) };
  };

  return async (batch) => {
    deps.metrics.consumed.inc(batch.messages.length);
    const dead: OutgoingMessage[] = [];
    const events: Array<{ index: number; event: RawEvent }> = [];
    batch.messages.forEach((message, index) => {
      const parsed = parseRaw(message.value);
      if (parsed.ok) events.push({ index, event: parsed.event });
      else dead.push(toDeadLetter(message, parsed));
    });
    const prepared = deps.prepare
      ? await deps.prepare(events.map((e) => e.event))
      : { pipeline: deps.pipeline, flush: () => Promise.resolve() };
    const enriched: Array<{ index: number; message: OutgoingMessage }> = [];
    // One visitor's events stay in order (sessions and identity links depend on it); visitors
    // run concurrently.
    const queue = [...visitorGroups(events).values()];
    const worker = async () => {
      for (let group = queue.shift(); group; group = queue.shift()) {
        for (const { index, event } of group) {
          const out = await prepared.pipeline(event);
          enriched.push({ index, message: { key: partitionKey(out), value: JSON.stringify(out) } });
        }
      }
    };
    await Promise.all(Array.from({ length: deps.concurrency ?? 16 }, worker));
    enriched.sort((a, b) => a.index - b.index);
    // Session state is written while Kafka acknowledges; both finish before the next batch.
    await Promise.all([
      prepared.flush(),
      send(deps.topics.enriched, enriched.map((e) => e.message)),
      send(deps.topics.deadLetter, dead),
    ]);
    deps.metrics.produced.inc(enriched.length);
  };
}
