/**
 * One HTTP delivery with bounded retries: timeout per attempt, jittered exponential backoff on
 * network errors, 429 and 5xx (honouring Retry-After), no retry on other 4xx.
 */
import { retry } from "../../shared/retry.ts";
import type { Clock } from "../../shared/time.ts";
import { type AttemptResult, describe, isRetriable, retryDelay } from "../core/retry.ts";

/** The request of one attempt (built again per attempt: a body can be read only once). */
export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** How a delivery ended after all its attempts. */
export type DeliveryResult =
  | { ok: true; attempts: number; status: number }
  | {
    ok: false;
    /**
     * `DELIVERY_REJECTED`: the destination refused it (4xx); `DELIVERY_EXHAUSTED`: gave up;
     * `DELIVERY_ABORTED`: `signal` fired (shutdown), so the outcome is unknown and not final.
     */
    reason: "DELIVERY_REJECTED" | "DELIVERY_EXHAUSTED" | "DELIVERY_ABORTED";
    error: string;
    attempts: number;
  };

/**
 * The `outcome` label of `eventflow_alerts_delivered_total` for a finished delivery: delivered,
 * rejected (4xx) or exhausted (gave up, or cut short).
 */
export function deliveryOutcome(result: DeliveryResult): "delivered" | "rejected" | "exhausted" {
  if (result.ok) return "delivered";
  return result.reason === "DELIVERY_REJECTED" ? "rejected" : "exhausted";
}

/** Options of {@link deliverHttp}. */
export interface DeliveryOptions {
  /** Attempts before giving up (default 5). */
  attempts?: number;
  /** Timeout of one attempt (default 5000 ms). */
  timeoutMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The clock of the retry waits (default the system clock); tests pass a fake one. */
  clock?: Clock;
  random?: () => number;
  now?: () => Date;
  fetch?: typeof fetch;
  /** Told before each retry wait. */
  onRetry?: (attempt: number, delayMs: number, failure: string) => void;
  /** Hides secrets (e.g. a bot token in the URL) in error texts. */
  redact?: (text: string) => string;
  /**
   * Aborts the in-flight attempt and any retry wait (default none): on SIGTERM a delivery must
   * not hold the batch for minutes of retries past the orchestrator's grace period.
   */
  signal?: AbortSignal;
  /** Reads a retry hint from a body when the destination has no Retry-After (Telegram). */
  retryAfterFromBody?: (body: string) => string | null;
}

/** fetch says only "fetch failed"; the reason (refused, DNS, TLS) is in its cause. */
function networkDetail(error: unknown): string {
  const message = (error as Error).message;
  const cause = (error as Error).cause;
  return cause instanceof Error && cause.message !== message
    ? `${message} (${cause.message})`
    : message;
}

/** Makes one attempt; never throws. */
async function attempt(request: HttpRequest, opts: DeliveryOptions): Promise<AttemptResult> {
  try {
    const response = await (opts.fetch ?? fetch)(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: opts.signal
        ? AbortSignal.any([AbortSignal.timeout(opts.timeoutMs ?? 5000), opts.signal])
        : AbortSignal.timeout(opts.timeoutMs ?? 5000),
    });
    const body = await response.text().catch(() => "");
    if (response.status >= 200 && response.status < 300) {
      return { kind: "ok", status: response.status };
    }
    const retryAfter = response.headers.get("retry-after") ?? opts.retryAfterFromBody?.(body) ??
      null;
    return { kind: "http", status: response.status, body, retryAfter };
  } catch (error) {
    const name = (error as Error).name;
    const text = name === "TimeoutError"
      ? `timed out after ${opts.timeoutMs ?? 5000} ms`
      : `network error: ${networkDetail(error)}`;
    return { kind: "network", error: text };
  }
}

/** A failed attempt, carried through the retry loop. */
class AttemptFailed extends Error {
  constructor(readonly result: Exclude<AttemptResult, { kind: "ok" }>, readonly failure: string) {
    super(failure);
  }
}

/** POSTs `request`, retrying as the policy allows; resolves with the outcome, never throws. */
export async function deliverHttp(
  request: () => HttpRequest | Promise<HttpRequest>,
  opts: DeliveryOptions = {},
): Promise<DeliveryResult> {
  const redact = opts.redact ?? ((text: string) => text);
  const signal = opts.signal;
  let tried = 0;
  try {
    const status = await retry(async (n) => {
      tried = n;
      const result = await attempt(await request(), opts);
      if (result.kind === "ok") return result.status;
      throw new AttemptFailed(result, redact(describe(result)));
    }, {
      attempts: opts.attempts ?? 5,
      signal,
      clock: opts.clock,
      retryable: (error) => error instanceof AttemptFailed && isRetriable(error.result),
      delayMs: (error, n) =>
        retryDelay(n - 1, (error as AttemptFailed).result, {
          baseMs: opts.baseDelayMs,
          maxMs: opts.maxDelayMs,
          random: opts.random,
          now: opts.now?.(),
        }),
      onRetry: (error, { attempt: n, delayMs }) =>
        opts.onRetry?.(n, delayMs, (error as AttemptFailed).failure),
    });
    return { ok: true, attempts: tried, status };
  } catch (error) {
    // Shutting down: the outcome is unknown, not final (a retry wait ends at once).
    if (signal?.aborted) {
      return {
        ok: false,
        reason: "DELIVERY_ABORTED",
        error: `aborted after ${tried} attempt(s): shutting down`,
        attempts: tried,
      };
    }
    if (!(error instanceof AttemptFailed)) throw error;
    if (!isRetriable(error.result)) {
      return { ok: false, reason: "DELIVERY_REJECTED", error: error.failure, attempts: tried };
    }
    return {
      ok: false,
      reason: "DELIVERY_EXHAUSTED",
      error: `gave up after ${tried} attempts, last ${error.failure}`,
      attempts: tried,
    };
  }
}
