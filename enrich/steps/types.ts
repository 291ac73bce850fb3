/**
 * The shape of an enrichment step: the event built so far in, a partial update out.
 *
 * Steps never throw for a per-event problem: a lookup that failed comes back as `error`, with
 * the step's fields left at their null defaults, so the event is degraded, never dropped.
 */
import type { EnrichedEvent } from "../../shared/events/mod.ts";

/** What a step returns: fields to merge into the event, and why it could not do more. */
export interface StepResult {
  patch: Partial<EnrichedEvent>;
  /** Set when the step degraded; becomes an `enrichment_errors` entry. */
  error?: string;
}

/** One named enrichment step. */
export interface Step {
  /** Stable name used in metrics and `enrichment_errors[].step`. */
  name: string;
  /**
   * A step whose failure must not let the event through (privacy): when it throws or returns an
   * `error`, the pipeline rejects with {@link FailClosedError} and the event is dead-lettered.
   */
  failClosed?: boolean;
  run(event: EnrichedEvent): StepResult | Promise<StepResult>;
}

/** A result with no changes and an error. */
export function failed(error: string, patch: Partial<EnrichedEvent> = {}): StepResult {
  return { patch, error };
}

/** A fail-closed step failed: the event must not be emitted (the handler dead-letters it). */
export class FailClosedError extends Error {
  /** The dead-letter reason, e.g. `PRIVACY_FAILED`. */
  readonly reason: string;

  constructor(reason: string, message: string) {
    super(message);
    this.name = "FailClosedError";
    this.reason = reason;
  }
}
