/**
 * Writing accepted events to the raw topic: one producer call per request (the shared producer
 * merges concurrent calls), bounded by a timeout so a Kafka outage answers 503 instead of hanging
 * (one shared timer for all pending sends, see deadlines.ts).
 */
import { partitionKey, type RawEvent } from "../../shared/events/mod.ts";
import type { Producer } from "../../shared/kafka/mod.ts";
import { IngestError } from "../core/errors.ts";
import { createDeadlines } from "./deadlines.ts";

/** Writes events and resolves once Kafka acknowledged them all. */
export interface Publisher {
  publish(events: RawEvent[]): Promise<void>;
}

/** Options for {@link createPublisher}. */
export interface PublisherOptions {
  topic: string;
  /** Give up waiting for the acknowledgement after this long (ms). */
  timeoutMs: number;
  /** Retry-After seconds for the 503. */
  retryAfterSeconds: number;
  /** Observes each acknowledged send's duration (seconds). */
  onAck?: (seconds: number) => void;
  /** Called for each failed or timed-out send. */
  onError?: (error: unknown) => void;
}

/** Creates a publisher over a shared/kafka Producer (or a test fake with the same interface). */
export function createPublisher(
  producer: Pick<Producer, "send">,
  opts: PublisherOptions,
): Publisher {
  const deadlines = createDeadlines(opts.timeoutMs);
  const timeoutError = () => new Error(`no acknowledgement within ${opts.timeoutMs} ms`);
  return {
    async publish(events) {
      const messages = events.map((event) => ({
        key: partitionKey(event),
        value: JSON.stringify(event),
        headers: { schema_version: String(event.schema_version), source_id: event.source_id },
      }));
      const started = performance.now();
      try {
        await deadlines.race(producer.send(opts.topic, messages), timeoutError);
        opts.onAck?.((performance.now() - started) / 1000);
      } catch (error) {
        opts.onError?.(error);
        throw new IngestError(
          503,
          "KAFKA_UNAVAILABLE",
          "Events could not be stored because Kafka did not acknowledge the write; retry later",
          { retryAfter: opts.retryAfterSeconds, cause: error },
        );
      }
    },
  };
}
