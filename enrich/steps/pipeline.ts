/**
 * The enrichment pipeline: a list of named steps run in order over one raw event.
 *
 * Built by {@link createPipeline} from its steps so `main.ts` decides the dependencies and tests
 * can run any subset. Each step's time and failures are reported through `observe`.
 */
import type { EnrichedEvent, RawEvent } from "../../shared/events/mod.ts";
import { emptyEnrichment, ENRICHED_SCHEMA_VERSION } from "../../shared/events/mod.ts";
import { errorMessage } from "../../shared/errors.ts";
import { FailClosedError, type Step } from "./types.ts";

/** Per-step observations, for metrics. */
export interface StepObserver {
  (step: string, seconds: number, failed: boolean): void;
}

/** Options for {@link createPipeline}. */
export interface PipelineOptions {
  /** Called after each step (default: nothing). */
  observe?: StepObserver;
  /** The clock for `enriched_at` (default: `Date.now`). */
  now?: () => number;
}

/**
 * Enriches one raw event. Rejects only with {@link FailClosedError}, when a fail-closed step
 * (privacy) threw or reported an error: such an event must be dead-lettered, never emitted.
 */
export type Pipeline = (raw: RawEvent) => Promise<EnrichedEvent>;

/** The enriched event before any step ran: every enrichment null, the raw fields kept. */
export function initialEvent(raw: RawEvent, now: Date): EnrichedEvent {
  return {
    ...raw,
    schema_version: ENRICHED_SCHEMA_VERSION,
    original_event: raw.event,
    // Replaced by the session step; this fallback only survives if that step crashed.
    session_id: raw.session_id ?? `sess_event_${raw.event_id}`,
    session_derived: raw.session_id === null,
    ...emptyEnrichment(),
    enriched_at: now.toISOString(),
  };
}

/** Builds a pipeline running `steps` in order. */
export function createPipeline(steps: Step[], opts: PipelineOptions = {}): Pipeline {
  const now = opts.now ?? Date.now;
  return async (raw) => {
    // The event is this call's own object, so each patch is merged into it in place: a copy of
    // its ~40 fields per step was most of the pipeline's garbage.
    const event = initialEvent(raw, new Date(now()));
    let started = performance.now();
    for (const step of steps) {
      let error: string | undefined;
      try {
        // Most steps answer synchronously; awaiting only promises saves a microtask per step.
        const pending = step.run(event);
        const result = pending instanceof Promise ? await pending : pending;
        Object.assign(event, result.patch);
        error = result.error;
      } catch (thrown) {
        // A throwing step is a bug; the event still goes on, degraded (unless it fails closed).
        error = `Step crashed: ${errorMessage(thrown)}`;
      }
      if (error !== undefined) {
        event.enrichment_errors = [...event.enrichment_errors, { step: step.name, reason: error }];
      }
      // One clock read per step: this step's end is the next one's start.
      const ended = performance.now();
      opts.observe?.(step.name, (ended - started) / 1000, error !== undefined);
      started = ended;
      if (error !== undefined && step.failClosed) {
        throw new FailClosedError(
          `${step.name.toUpperCase()}_FAILED`,
          `The ${step.name} step failed, so the event was not emitted: ${error}`,
        );
      }
    }
    return event;
  };
}
