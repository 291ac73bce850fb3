/**
 * Sends request bodies to ingest over HTTP with a write key, and classifies the answers. Business
 * events (purchases, refunds, signups, identify calls…) go with the server key, the rest with the
 * public one, as a real shop sends them: orders from its back end, page views from the browser.
 */

/** What came back for one request. */
export interface SendResult {
  /** HTTP status, or 0 when no response arrived (connection error, timeout). */
  status: number;
  /** Events ingest accepted. */
  accepted: number;
  /** Events ingest refused as invalid (4xx for a single event, `rejected[]` of a batch). */
  rejected: number;
  /** Transport or server failure: the events' fate is unknown or they were not taken. */
  error: string | null;
}

/** One request to make. */
export interface OutgoingRequest {
  path: string;
  body: string;
  /** Events in the body. */
  events: number;
  /** Sent as `User-Agent` so that browser-platform sources record the simulated device. */
  userAgent?: string;
  /** Which write key sends it: `server` for business events, else `public` (default). */
  keyKind?: "public" | "server";
}

/** Sends one request; never throws. */
export type Send = (req: OutgoingRequest) => Promise<SendResult>;

/** Options of {@link createHttpSender}. */
export interface HttpSenderOptions {
  /** Public (web) write key, sent as HTTP Basic user (Segment's convention). Default `dev_write_key`. */
  writeKey?: string;
  /**
   * Server (back-end) write key for business events. Default: `writeKey` when that is given (a
   * caller naming one key sends everything with it), else `dev_server_key`.
   */
  serverKey?: string;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Creates a sender for the ingest at `baseUrl` (e.g. `http://127.0.0.1:8080`). */
export function createHttpSender(baseUrl: string, opts: HttpSenderOptions = {}): Send {
  const auth = {
    public: `Basic ${btoa(`${opts.writeKey ?? "dev_write_key"}:`)}`,
    server: `Basic ${btoa(`${opts.serverKey ?? opts.writeKey ?? "dev_server_key"}:`)}`,
  };
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const root = baseUrl.replace(/\/+$/, "");
  return async function send(req) {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      authorization: auth[req.keyKind ?? "public"],
    };
    if (req.userAgent) headers["user-agent"] = req.userAgent;
    try {
      const res = await doFetch(`${root}${req.path}`, {
        method: "POST",
        headers,
        body: req.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      return classify(res.status, text, req.events);
    } catch (err) {
      return {
        status: 0,
        accepted: 0,
        rejected: 0,
        error: describe(err),
      };
    }
  };
}

/** Interprets ingest's answer to a request carrying `events` events. */
export function classify(status: number, text: string, events: number): SendResult {
  if (status >= 200 && status < 300) {
    const body = parseJson(text);
    const accepted = typeof body?.accepted === "number" ? body.accepted : events;
    const rejected = Array.isArray(body?.rejected) ? body.rejected.length : events - accepted;
    return { status, accepted, rejected, error: null };
  }
  if (status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429) {
    return { status, accepted: 0, rejected: events, error: null };
  }
  const body = parseJson(text);
  const message = typeof body?.error === "object" && body.error !== null
    ? String((body.error as Record<string, unknown>).message ?? text)
    : text.slice(0, 200);
  return { status, accepted: 0, rejected: 0, error: `HTTP ${status}: ${message}` };
}

/** `fetch failed` alone says nothing; the cause names the refused connection or the timeout. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : null;
  return cause && cause !== err.message ? `${err.message}: ${cause}` : err.message;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}
