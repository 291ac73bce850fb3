/**
 * A circuit breaker: after repeated failures, calls fail fast for a cool-down period instead of
 * waiting on a dependency that is down; one trial call then decides whether to close again.
 */
import { EventFlowError } from "../../shared/errors.ts";
import { type Clock, systemClock } from "../../shared/time.ts";

/** Options for {@link createCircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before a trial call, in ms (default 10 000). */
  openMs?: number;
  /** The clock of the open period (default the system clock); tests step a fake one. */
  clock?: Pick<Clock, "now">;
  /** Called on every state change, e.g. for logs. */
  onStateChange?: (state: CircuitState) => void;
}

/** closed: calls pass; open: calls fail fast; half-open: one trial call passes. */
export type CircuitState = "closed" | "open" | "half-open";

/** A breaker wrapping calls to one dependency. */
export interface CircuitBreaker {
  call<T>(fn: () => Promise<T>): Promise<T>;
  readonly state: CircuitState;
}

/** Creates a circuit breaker named after the dependency it protects. */
export function createCircuitBreaker(
  name: string,
  opts: CircuitBreakerOptions = {},
): CircuitBreaker {
  const threshold = opts.failureThreshold ?? 5;
  const openMs = opts.openMs ?? 10_000;
  const clock = opts.clock ?? systemClock;
  const now = () => clock.now();
  let state: CircuitState = "closed";
  let failures = 0;
  let openedAt = 0;
  let trialInFlight = false;
  const set = (next: CircuitState) => {
    if (next !== state) {
      state = next;
      opts.onStateChange?.(next);
    }
  };
  return {
    get state() {
      if (state === "open" && now() - openedAt >= openMs) return "half-open";
      return state;
    },
    async call(fn) {
      if (state === "open") {
        if (now() - openedAt < openMs || trialInFlight) {
          throw new EventFlowError(
            "CIRCUIT_OPEN",
            `${name} is failing; calls are skipped for ${
              Math.ceil((openMs - (now() - openedAt)) / 1000)
            } s`,
            { retriable: true },
          );
        }
        set("half-open");
      }
      if (state === "half-open") {
        if (trialInFlight) {
          throw new EventFlowError("CIRCUIT_OPEN", `${name} is being retried by a trial call`, {
            retriable: true,
          });
        }
        trialInFlight = true;
      }
      try {
        const result = await fn();
        failures = 0;
        set("closed");
        return result;
      } catch (error) {
        failures++;
        if (state === "half-open" || failures >= threshold) {
          openedAt = now();
          set("open");
        }
        throw error;
      } finally {
        trialInFlight = false;
      }
    },
  };
}
