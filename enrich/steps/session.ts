/**
 * Session step: keeps the client's session id, or derives one that ends after 30 minutes of
 * inactivity, from per-visitor state kept in Redis.
 */
import { createHash } from "node:crypto";
import { errorMessage } from "../../shared/errors.ts";
import type { Step } from "./types.ts";

/** What is remembered about a visitor's current derived session. */
export interface SessionState {
  session_id: string;
  started_at: number;
  last_seen_at: number;
}

/** Where per-visitor session state is kept. */
export interface SessionStore {
  get(visitorId: string): Promise<SessionState | null>;
  set(visitorId: string, state: SessionState): Promise<void>;
}

/** Default inactivity that ends a session: 30 minutes, as GA and PostHog use. */
export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;

/** A derived session id: `sess_` + a hash of the visitor and the session's start. */
export function sessionId(visitorId: string, startedAt: number): string {
  const hash = createHash("sha256").update(`${visitorId}\n${startedAt}`).digest("hex");
  return `sess_${hash.slice(0, 24)}`;
}

/** The session an event at `at` belongs to, given the visitor's previous state. */
export function nextSession(
  previous: SessionState | null,
  at: number,
  opts: { visitorId: string; timeoutMs?: number },
): SessionState {
  const timeout = opts.timeoutMs ?? SESSION_TIMEOUT_MS;
  // Late events that fall inside the known session window belong to it too.
  if (previous && at - previous.last_seen_at <= timeout && previous.started_at - at <= timeout) {
    return {
      session_id: previous.session_id,
      started_at: Math.min(previous.started_at, at),
      last_seen_at: Math.max(previous.last_seen_at, at),
    };
  }
  return { session_id: sessionId(opts.visitorId, at), started_at: at, last_seen_at: at };
}

/** Keeps a client session id; derives one for events without. */
export function sessionStep(store: SessionStore, opts: { timeoutMs?: number } = {}): Step {
  const timeoutMs = opts.timeoutMs ?? SESSION_TIMEOUT_MS;
  return {
    name: "session",
    async run(event) {
      if (!event.session_derived) return { patch: {} };
      const visitorId = event.anonymous_id ?? event.user_id;
      const at = Date.parse(event.timestamp);
      if (visitorId === null) {
        return { patch: { session_id: sessionId(event.event_id, at), session_derived: true } };
      }
      try {
        const previous = await store.get(visitorId);
        const state = nextSession(previous, at, { visitorId, timeoutMs });
        // An event older than the current session (an offline queue flushed hours later) gets
        // its own session but must not replace the state, or the visitor's next event would
        // measure its inactivity from hours ago and split the live session.
        if (previous === null || state.last_seen_at >= previous.last_seen_at) {
          await store.set(visitorId, state);
        }
        return { patch: { session_id: state.session_id, session_derived: true } };
      } catch (error) {
        // Without state, a time-bucketed id still groups a burst of events together.
        const bucket = Math.floor(at / timeoutMs) * timeoutMs;
        return {
          patch: { session_id: sessionId(visitorId, bucket), session_derived: true },
          error: `Session state unavailable, used a ${timeoutMs / 60000}-minute bucket: ${
            errorMessage(error)
          }`,
        };
      }
    },
  };
}
