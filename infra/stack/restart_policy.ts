/**
 * When and how soon `deno task start` restarts a service that exited: compose's
 * `restart: unless-stopped` (every exit the supervisor did not ask for is restarted) with
 * docker's capped exponential backoff that starts over once a run lasted long enough.
 * Pure: the supervisor (supervisor.ts) feeds it what happened and sleeps what it says.
 * @module
 */
import { backoffDelay } from "../../shared/retry.ts";

/** How restarts back off. Every field has a default ({@linkcode DEFAULT_RESTART_POLICY}). */
export interface RestartPolicy {
  /** Delay before the first restart of a run of failures, in ms (default 500). */
  baseMs: number;
  /** Upper bound of any restart delay, in ms (default 30 000). */
  maxMs: number;
  /** A run at least this long was healthy: the next exit starts the backoff over (default 30 000 ms). */
  resetAfterMs: number;
  /** This many exits in a row, none after a healthy run, is a crash loop (default 5). */
  crashLoopAfter: number;
}

/** The defaults of {@linkcode RestartPolicy}. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  baseMs: 500,
  maxMs: 30_000,
  resetAfterMs: 30_000,
  crashLoopAfter: 5,
};

/** What the supervisor knows when a service exits. */
export interface ExitFacts {
  /** The supervisor asked it to stop (Ctrl-C, SIGTERM): never restarted. */
  stopping: boolean;
  /** How long this run lasted, in ms. */
  ranMs: number;
  /** Exits in a row before this one without a healthy run in between. */
  failuresBefore: number;
}

/** What to do about an exit. */
export type RestartDecision =
  | { action: "stop" }
  | {
    action: "restart";
    /** Wait this long first. */
    delayMs: number;
    /** Exits in a row, this one included (the next call's `failuresBefore`). */
    failures: number;
    /** `failures` reached the policy's `crashLoopAfter`. */
    crashLoop: boolean;
  };

/**
 * Decides about one exit: stop when the supervisor is stopping, else restart after
 * `backoffDelay(failures - 1)` (doubling from `baseMs`, capped at `maxMs`, equal jitter from
 * `random`), counting failures from zero again after a run of at least `resetAfterMs`.
 */
export function decideRestart(
  exit: ExitFacts,
  opts: { policy?: Partial<RestartPolicy>; random?: () => number } = {},
): RestartDecision {
  if (exit.stopping) return { action: "stop" };
  const policy = { ...DEFAULT_RESTART_POLICY, ...opts.policy };
  const before = exit.ranMs >= policy.resetAfterMs ? 0 : exit.failuresBefore;
  const failures = before + 1;
  const delayMs = backoffDelay(before, {
    baseMs: policy.baseMs,
    maxMs: policy.maxMs,
    random: opts.random,
  });
  return { action: "restart", delayMs, failures, crashLoop: failures >= policy.crashLoopAfter };
}
