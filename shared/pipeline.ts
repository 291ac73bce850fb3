/**
 * Per-event outcomes of a pipeline step. Steps return these values instead of throwing, so a bad
 * event is routed (dead-lettered, dropped) without stopping the batch; exceptions remain for bugs
 * and infrastructure failures.
 */

/** The result of processing one event. */
export type Outcome<T> =
  | { kind: "ok"; value: T }
  | { kind: "dlq"; reason: string; error: string }
  | { kind: "drop"; reason: string }
  | { kind: "retry"; error: string };

/** An `ok` outcome. */
export function ok<T>(value: T): Outcome<T> {
  return { kind: "ok", value };
}

/** A `dlq` outcome: the event goes to the dead-letter topic with this reason. */
export function dlq<T>(reason: string, error: string): Outcome<T> {
  return { kind: "dlq", reason, error };
}
