/**
 * Webhook signatures, Stripe-style: `X-EventFlow-Timestamp: <unix seconds>` and
 * `X-EventFlow-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. The
 * timestamp is signed with the body, so a captured call cannot be replayed later: a receiver
 * checks the signature with {@link verifyWebhook}, which also refuses timestamps outside its
 * tolerance (5 minutes by default).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The header carrying the signature. */
export const SIGNATURE_HEADER = "X-EventFlow-Signature";
/** The header carrying the signing time in Unix seconds. */
export const TIMESTAMP_HEADER = "X-EventFlow-Timestamp";
/** How far a receiver accepts a timestamp from its own clock, by default (seconds). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** `sha256=<hex>` of `<timestamp>.<body>` under `secret`. */
export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** Both signature headers for `body` signed at `now` (lower-case names, as fetch sends them). */
export function signatureHeaders(secret: string, body: string, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    [TIMESTAMP_HEADER.toLowerCase()]: String(timestamp),
    [SIGNATURE_HEADER.toLowerCase()]: sign(secret, timestamp, body),
  };
}

/** What a receiver got: the raw body and the two headers (null when absent). */
export interface SignedRequest {
  body: string;
  timestamp: string | null;
  signature: string | null;
}

/** Options of {@link verifyWebhook}. */
export interface VerifyOptions {
  /** The receiver's clock (default now). */
  now?: Date;
  /** Largest accepted distance between the timestamp and `now` (default 300 s). */
  toleranceSeconds?: number;
}

/** The verdict of {@link verifyWebhook}; `error` says what to fix or why it was refused. */
export type Verdict = { ok: true } | { ok: false; error: string };

/**
 * Whether `request` was signed with `secret` within the tolerance of `now`: the check a webhook
 * receiver runs before trusting a call. Constant-time comparison of the signature.
 */
export function verifyWebhook(
  secret: string,
  request: SignedRequest,
  opts: VerifyOptions = {},
): Verdict {
  const { timestamp, signature, body } = request;
  if (timestamp === null || signature === null) {
    return { ok: false, error: `Headers ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} are required` };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, error: `${TIMESTAMP_HEADER} must be Unix seconds, got "${timestamp}"` };
  }
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const age = now - Number(timestamp);
  if (Math.abs(age) > tolerance) {
    return {
      ok: false,
      error: `${TIMESTAMP_HEADER} ${timestamp} is ${age} s from now, beyond the ${tolerance} s ` +
        "tolerance: a replayed or delayed call",
    };
  }
  const expected = new TextEncoder().encode(sign(secret, Number(timestamp), body));
  const given = new TextEncoder().encode(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, error: `${SIGNATURE_HEADER} does not match the body and timestamp` };
  }
  return { ok: true };
}
