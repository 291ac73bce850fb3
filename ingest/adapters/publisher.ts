/**
 * Writing accepted events to the raw topic, with a bounded queue in front of the producer.
 *
 * Requests' events wait here (not in the producer) until a producer is free: what waits can still
 * be taken back, so a request that timed out (its 503 already sent) is removed and its events are
 * never written later behind the client's back. A full queue answers 503 at once instead of
 * growing without bound. Requests that arrive while a write is in flight go together in the next
 * one (batching grows with load by itself); an idle publisher waits `lingerMs` for company.
 */
import { partitionKey, type RawEvent } from "../../shared/events/mod.ts";
import type { OutgoingMessage, Producer } from "../../shared/kafka/mod.ts";
import { IngestError } from "../core/errors.ts";
import { createDeadlines } from "./deadlines.ts";

/** Writes events and resolves once Kafka acknowledged them all. */
export interface Publisher {
  publish(events: RawEvent[]): Promise<void>;
  /** Events waiting or being written (for metrics and tests). */
  readonly queuedEvents: number;
}

/** Options for {@link createPublisher}. */
export interface PublisherOptions {
  topic: string;
  /** Give up waiting for the acknowledgement after this long (ms); answered 503. */
  timeoutMs: number;
  /** Retry-After seconds for the 503s. */
  retryAfterSeconds: number;
  /**
   * Most events waiting or being written at once; a request that would go beyond is answered
   * 503 `INGEST_OVERLOADED` at once (one request of any size is taken when nothing waits).
   */
  maxQueuedEvents: number;
  /** Writes in flight at once, one per pooled producer (default 1). */
  maxInFlight?: number;
  /** How long the first event at an idle publisher waits for others (ms, default 0). */
  lingerMs?: number;
  /** Most messages handed to the producer in one write (default 2000, the producer's request). */
  maxBatchMessages?: number;
  /** Observes each acknowledged request's wait, from publish() to the ack (seconds). */
  onAck?: (seconds: number) => void;
  /** Called for each failed or timed-out request. */
  onError?: (error: unknown) => void;
  /** Called for each request refused because the queue was full. */
  onFull?: () => void;
}

interface Entry {
  messages: OutgoingMessage[];
  /** performance.now() at publish(). */
  at: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Creates a publisher over a shared/kafka Producer (or a test fake with the same interface). */
export function createPublisher(
  producer: Pick<Producer, "send">,
  opts: PublisherOptions,
): Publisher {
  const maxInFlight = opts.maxInFlight ?? 1;
  const lingerMs = opts.lingerMs ?? 0;
  const maxBatch = opts.maxBatchMessages ?? 2000;
  const deadlines = createDeadlines(opts.timeoutMs);
  // A Set keeps arrival order and lets a timed-out entry leave from anywhere in O(1).
  const waiting = new Set<Entry>();
  let waitingEvents = 0;
  let writingEvents = 0;
  let inFlight = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function schedule(): void {
    if (inFlight >= maxInFlight || waiting.size === 0) return;
    const oldest = waiting.values().next().value!;
    const wait = oldest.at + lingerMs - performance.now();
    if (wait <= 0 || waitingEvents >= maxBatch) write();
    else if (timer === undefined) timer = setTimeout(write, wait);
  }

  function write(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (inFlight >= maxInFlight || waiting.size === 0) return;
    const batch: Entry[] = [];
    let count = 0;
    for (const entry of waiting) {
      if (count > 0 && count + entry.messages.length > maxBatch) break;
      batch.push(entry);
      count += entry.messages.length;
      waiting.delete(entry);
    }
    waitingEvents -= count;
    writingEvents += count;
    inFlight++;
    const messages = batch.length === 1 ? batch[0]!.messages : batch.flatMap((e) => e.messages);
    producer.send(opts.topic, messages).then(
      () => batch.forEach((entry) => entry.resolve()),
      (error) => batch.forEach((entry) => entry.reject(error)),
    ).finally(() => {
      inFlight--;
      writingEvents -= count;
      schedule();
    });
    schedule();
  }

  function unavailable(cause: unknown): IngestError {
    opts.onError?.(cause);
    return new IngestError(
      503,
      "KAFKA_UNAVAILABLE",
      "Events could not be stored because Kafka did not acknowledge the write; retry later",
      { retryAfter: opts.retryAfterSeconds, cause },
    );
  }

  return {
    async publish(events) {
      const queued = waitingEvents + writingEvents;
      if (queued > 0 && queued + events.length > opts.maxQueuedEvents) {
        opts.onFull?.();
        throw new IngestError(
          503,
          "INGEST_OVERLOADED",
          `Ingest is overloaded: ${queued} events are already waiting for Kafka; retry later`,
          { retryAfter: opts.retryAfterSeconds },
        );
      }
      const messages = events.map((event) => ({
        key: partitionKey(event),
        value: JSON.stringify(event),
        headers: { schema_version: String(event.schema_version), source_id: event.source_id },
      }));
      const started = performance.now();
      let entry!: Entry;
      const acked = new Promise<void>((resolve, reject) => {
        entry = { messages, at: started, resolve, reject };
      });
      waiting.add(entry);
      waitingEvents += messages.length;
      schedule();
      try {
        await deadlines.race(
          acked,
          () => new Error(`no acknowledgement within ${opts.timeoutMs} ms`),
        );
        opts.onAck?.((performance.now() - started) / 1000);
      } catch (error) {
        // Still waiting: take it back, so the client's 503 means "not written, retry".
        if (waiting.delete(entry)) waitingEvents -= messages.length;
        throw unavailable(error);
      }
    },
    get queuedEvents() {
      return waitingEvents + writingEvents;
    },
  };
}
