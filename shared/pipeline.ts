/**
 * Per-event outcomes of every stage, and the one way a `dlq` outcome becomes a dead-letter record.
 * Steps and handlers return these values instead of throwing, so a bad event is routed
 * (dead-lettered, dropped) without stopping the batch; exceptions remain for bugs and
 * infrastructure failures.
 */
import { type DeadLetter, deadLetter } from "./events/mod.ts";
import type { IncomingMessage } from "./kafka/mod.ts";
import { type Clock, systemClock } from "./time.ts";

/** The result of processing one event. */
export type Outcome<T> =
  | { kind: "ok"; value: T }
  | DlqOutcome
  | { kind: "drop"; reason: string }
  | { kind: "retry"; error: string };

/** The event goes to the dead-letter topic with this reason. */
export interface DlqOutcome {
  kind: "dlq";
  reason: string;
  error: string;
}

/** Why a message could not be processed: a `dlq` outcome or a failed parse, with the event id. */
export interface Failure {
  reason: string;
  error: string;
  eventId?: string | null;
}

/** An `ok` outcome. */
export function ok<T>(value: T): Outcome<T> {
  return { kind: "ok", value };
}

/** A `dlq` outcome: the event goes to the dead-letter topic with this reason. */
export function dlq<T>(reason: string, error: string): Outcome<T> {
  return { kind: "dlq", reason, error };
}

/** A `drop` outcome: the event is not for this stage (counted, not dead-lettered). */
export function drop<T>(reason: string): Outcome<T> {
  return { kind: "drop", reason };
}

/** A `retry` outcome: the batch must not be committed; its next delivery tries again. */
export function retryLater<T>(error: string): Outcome<T> {
  return { kind: "retry", error };
}

/** The dead letters of one batch, see {@link collectDeadLetters}. */
export interface DeadLetterBatch {
  /** Adds the record of `message` that failed with `failure`, at `stage` (default the batch's). */
  add(message: IncomingMessage, failure: Failure, opts?: { stage?: string }): void;
  /** The records added so far, in order. */
  readonly records: DeadLetter[];
  /** How many records per reason, for the dead-letter counter. */
  counts(): Map<string, number>;
}

/** Starts collecting the dead letters of one batch handled by `stage`. */
export function collectDeadLetters(
  stage: string,
  opts: { clock?: Pick<Clock, "now"> } = {},
): DeadLetterBatch {
  const records: DeadLetter[] = [];
  const clock = opts.clock ?? systemClock;
  return {
    records,
    add(message, failure, where = {}) {
      const record = deadLetter(message, {
        stage: where.stage ?? stage,
        reason: failure.reason,
        error: failure.error,
        eventId: failure.eventId,
      }, new Date(clock.now()));
      records.push(record);
    },
    counts() {
      const counts = new Map<string, number>();
      for (const { reason } of records) counts.set(reason, (counts.get(reason) ?? 0) + 1);
      return counts;
    },
  };
}
