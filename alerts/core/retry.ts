/**
 * Delivery retry policy: which answers are worth retrying and how long to wait. Pure.
 */
import { backoffDelay } from "../../shared/retry.ts";

/** How a delivery attempt ended. */
export type AttemptResult =
  | { kind: "ok"; status: number }
  | { kind: "http"; status: number; body: string; retryAfter: string | null }
  | { kind: "network"; error: string };

/** Whether another attempt can help: network errors, timeouts, 429 and 5xx. */
export function isRetriable(result: AttemptResult): boolean {
  if (result.kind === "ok") return false;
  if (result.kind === "network") return true;
  return result.status === 429 || result.status >= 500;
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), or null when absent or invalid. */
export function parseRetryAfter(value: string | null, now: Date): number | null {
  if (value === null || value.trim() === "") return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/** Options of {@link retryDelay}. */
export interface DelayOptions {
  /** First delay before jitter (default 500 ms); doubles per attempt. */
  baseMs?: number;
  /** Upper bound of any wait, Retry-After included (default 30 s). */
  maxMs?: number;
  /** Random number in [0, 1) (default Math.random), injected by tests. */
  random?: () => number;
  now?: Date;
}

/**
 * Wait before attempt `attempt + 1`: the destination's Retry-After when it sent one, else
 * the shared jittered backoff (`backoffDelay`), both capped.
 */
export function retryDelay(
  attempt: number,
  result: AttemptResult,
  opts: DelayOptions = {},
): number {
  const base = opts.baseMs ?? 500;
  const max = opts.maxMs ?? 30_000;
  if (result.kind === "http") {
    const asked = parseRetryAfter(result.retryAfter, opts.now ?? new Date());
    if (asked !== null) return Math.min(asked, max);
  }
  return backoffDelay(attempt, { baseMs: base, maxMs: max, random: opts.random });
}

/** A one-line description of a failed attempt for logs and dead letters. */
export function describe(result: AttemptResult): string {
  if (result.kind === "ok") return `answered ${result.status}`;
  if (result.kind === "network") return result.error;
  const body = result.body.replace(/\s+/g, " ").trim().slice(0, 200);
  return `answered ${result.status}${body ? `: ${body}` : ""}`;
}
