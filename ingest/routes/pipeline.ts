/**
 * The steps every ingest request goes through, whichever format: read the body under its cap,
 * authenticate the write key, rate-limit, map each event, write to Kafka, answer.
 */
import type { Context } from "hono";
import type { RawEvent } from "../../shared/events/mod.ts";
import type { Source } from "../adapters/sources.ts";
import { type BatchOutcome, batchResponse } from "../core/batch.ts";
import { parseBody, readRequestBody } from "../core/body.ts";
import { IngestError } from "../core/errors.ts";
import type { RequestFacts } from "../core/event.ts";
import { clientIp } from "../core/ip.ts";
import { hashWriteKeySync, writeKeyFromBody, writeKeyFromHeaders } from "../core/write_key.ts";
import type { IngestDeps, IngestEnv } from "./deps.ts";

/** The parsed request: body, the source it authenticated as, and the per-request facts. */
export interface ParsedRequest {
  body: unknown;
  source: Source;
  facts: RequestFacts;
}

/** Looks a write key up: 401 when unknown, 403 when its source is revoked. */
export async function authenticate(deps: IngestDeps, key: string): Promise<Source> {
  const source = await deps.sources.findByHash((deps.hashKey ?? hashWriteKeySync)(key));
  if (source === null) {
    throw new IngestError(
      401,
      "INVALID_WRITE_KEY",
      "Write key is not recognised; check the key of your source",
      {
        field: "writeKey",
      },
    );
  }
  if (source.revokedAt !== null) {
    throw new IngestError(
      403,
      "REVOKED_WRITE_KEY",
      `Write key of source "${source.sourceId}" was revoked at ${source.revokedAt}; create a new key`,
      { field: "writeKey" },
    );
  }
  return source;
}

/** Reads, parses and authenticates a request; `batch` picks the body cap. */
export async function parseRequest(
  c: Context<IngestEnv>,
  deps: IngestDeps,
  opts: { batch: boolean },
): Promise<ParsedRequest> {
  const receivedAt = (deps.now ?? Date.now)();
  const headers = c.req.raw.headers;
  // The query parameter is for beacons, which cannot set headers (RudderStack's beacon transport
  // posts to /beacon/v1/batch?writeKey=…).
  const headerKey = writeKeyFromHeaders(headers) ?? (c.req.query("writeKey")?.trim() || null);
  // Authenticating before reading spares the body read for bad keys sent in headers.
  const early = headerKey === null ? null : await authenticate(deps, headerKey);
  const reading = readRequestBody(c.req.raw, {
    maxBytes: opts.batch ? deps.limits.maxBatchBytes : deps.limits.maxEventBytes,
    maxWireBytes: deps.limits.maxCompressedBytes,
    contentEncoding: headers.get("content-encoding"),
    contentLength: headers.get("content-length"),
  });
  const text = deps.bodyDeadlines === undefined ? await reading : await deps.bodyDeadlines.race(
    reading,
    () =>
      new IngestError(
        408,
        "REQUEST_TIMEOUT",
        `The request body did not arrive within ${deps.limits.bodyTimeoutMs} ms; send it at once`,
        { field: "body" },
      ),
  );
  const body = parseBody(text, headers.get("content-type"));
  let source = early;
  if (source === null) {
    const bodyKey = writeKeyFromBody(body);
    if (bodyKey === null) {
      throw new IngestError(
        401,
        "MISSING_WRITE_KEY",
        "No write key: send it as the Basic-auth user, the X-Write-Key header or the writeKey body field",
        { field: "writeKey" },
      );
    }
    source = await authenticate(deps, bodyKey);
  }
  const ip = c.var.clientIp !== undefined ? c.var.clientIp : requestIp(c, deps);
  return {
    body,
    source,
    facts: {
      receivedAt,
      ip,
      userAgent: headers.get("user-agent"),
      source: { sourceId: source.sourceId, platform: source.platform, kind: source.kind },
      futureToleranceMs: deps.futureToleranceMs,
    },
  };
}

/** The client IP of a request: the peer, or X-Forwarded-For when the peer is a trusted proxy. */
export function requestIp(c: Context<IngestEnv>, deps: IngestDeps): string | null {
  return clientIp(c.env?.remoteAddr ?? null, {
    forwardedFor: c.req.raw.headers.get("x-forwarded-for"),
    trusted: deps.trustedProxies,
  });
}

/**
 * The per-IP limit at the door, before the key is looked up or the body read: one token per
 * request now, the rest of its events in {@link enforceRateLimit}. Throws 429 when over.
 */
export function admitIp(c: Context<IngestEnv>, deps: IngestDeps): void {
  if (deps.ipBuckets === null) return;
  const ip = requestIp(c, deps);
  c.set("clientIp", ip);
  if (ip !== null) takeIpTokens(deps, ip, 1);
}

function takeIpTokens(deps: IngestDeps, ip: string, n: number): void {
  const wait = deps.ipBuckets!.take(ip, n);
  if (wait === 0) return;
  deps.metrics.rateLimited.inc({ scope: "ip" });
  throw new IngestError(
    429,
    "RATE_LIMITED",
    `Rate limit exceeded: more than ${
      deps.ipBuckets!.eventsPerSecond
    } events per second from this IP; retry after ${wait} s`,
    { retryAfter: wait },
  );
}

const SCOPE_TEXT = {
  write_key: "events for this write key",
  write_key_ip: "events for this write key from this IP",
} as const;

/** Applies the rate limits for `cost` events; throws 429 with Retry-After when over. */
export function enforceRateLimit(deps: IngestDeps, parsed: ParsedRequest, cost: number): void {
  // The door took one token; the request's other events count against the IP too.
  if (deps.ipBuckets !== null && parsed.facts.ip !== null && cost > 1) {
    takeIpTokens(deps, parsed.facts.ip, cost - 1);
  }
  const decision = deps.rateLimiter.check({
    ip: parsed.facts.ip,
    sourceId: parsed.source.sourceId,
    kind: parsed.source.kind,
    cost,
  });
  if (decision.allowed) return;
  deps.metrics.rateLimited.inc({ scope: decision.scope });
  const what = decision.scope === "ip" ? "events from this IP" : SCOPE_TEXT[decision.scope];
  throw new IngestError(
    429,
    "RATE_LIMITED",
    `Rate limit exceeded: more than ${decision.limit} ${what} per window; retry after ${decision.retryAfterSeconds} s`,
    { retryAfter: decision.retryAfterSeconds },
  );
}

/** Writes accepted events, counting outcomes per source. */
export async function publish(deps: IngestDeps, source: string, events: RawEvent[]) {
  try {
    await deps.publisher.publish(events);
    deps.metrics.events.inc({ source, outcome: "accepted" }, events.length);
  } catch (error) {
    deps.metrics.events.inc({ source, outcome: "failed" }, events.length);
    throw error;
  }
}

/** Publishes a mapped batch and answers with the batch semantics (200 + rejected list, or 400). */
export async function respondBatch(
  c: Context<IngestEnv>,
  deps: IngestDeps,
  opts: {
    parsed: ParsedRequest;
    outcome: BatchOutcome;
    listKey: string;
    extra?: Record<string, unknown>;
  },
): Promise<Response> {
  const { parsed, outcome } = opts;
  const source = parsed.source.sourceId;
  for (const rejected of outcome.rejected) {
    deps.metrics.validationFailures.inc({ reason: rejected.code });
  }
  if (outcome.rejected.length > 0) {
    deps.metrics.events.inc({ source, outcome: "rejected" }, outcome.rejected.length);
  }
  if (outcome.events.length > 0) await publish(deps, source, outcome.events);
  const { status, body } = batchResponse(outcome, opts.listKey);
  return c.json(status === 200 ? { ...opts.extra, ...body } : body, status);
}
