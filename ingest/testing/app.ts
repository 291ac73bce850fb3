/** Test wiring for the routes: real core, fakes for the network-facing ports. */
import type { OutgoingMessage } from "../../shared/kafka/mod.ts";
import { createLogger } from "../../shared/log.ts";
import { createRegistry } from "../../shared/metrics.ts";
import { createPublisher } from "../adapters/publisher.ts";
import type { RateDecision } from "../adapters/rate_limiter.ts";
import type { Source } from "../adapters/sources.ts";
import { parseCidr } from "../core/ip.ts";
import { hashWriteKey } from "../core/write_key.ts";
import { createIngestMetrics } from "../metrics.ts";
import { createApp } from "../routes/app.ts";
import type { IngestDeps } from "../routes/deps.ts";

/** A producer that records sends, or fails when `fail` is set. */
export class FakeProducer {
  sent: { topic: string; messages: OutgoingMessage[] }[] = [];
  fail: Error | null = null;
  hang = false;
  send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (this.fail) return Promise.reject(this.fail);
    if (this.hang) return new Promise(() => {});
    this.sent.push({ topic, messages });
    return Promise.resolve();
  }
  /** Every sent value parsed back. */
  events(): Record<string, unknown>[] {
    return this.sent.flatMap((s) => s.messages.map((m) => JSON.parse(String(m.value))));
  }
}

const SOURCES: Record<string, Source> = {
  good_key: {
    sourceId: "src_web",
    name: "web",
    platform: "web",
    kind: "public",
    createdAt: "",
    revokedAt: null,
  },
  backend_key: {
    sourceId: "src_api",
    name: "api",
    platform: "backend",
    kind: "server",
    createdAt: "",
    revokedAt: null,
  },
  revoked_key: {
    sourceId: "src_old",
    name: "old",
    platform: "web",
    kind: "public",
    createdAt: "",
    revokedAt: "2024-01-01T00:00:00.000Z",
  },
};

/** Builds the app with fakes; override any dependency. */
export async function testApp(overrides: Partial<IngestDeps> & { decision?: RateDecision } = {}) {
  const producer = new FakeProducer();
  const byHash = new Map<string, Source>();
  for (const [key, source] of Object.entries(SOURCES)) byHash.set(await hashWriteKey(key), source);
  const registry = createRegistry("ingest", { processMetrics: false });
  const deps: IngestDeps = {
    sources: { findByHash: (hash) => Promise.resolve(byHash.get(hash) ?? null) },
    rateLimiter: { check: () => overrides.decision ?? { allowed: true } },
    ipBuckets: null,
    publisher: createPublisher(producer, {
      topic: "raw_test",
      timeoutMs: 50,
      retryAfterSeconds: 7,
      maxQueuedEvents: 1000,
    }),
    registry,
    metrics: createIngestMetrics(registry),
    logger: createLogger("ingest", { write: () => {} }),
    limits: {
      maxEventBytes: 2048,
      maxBatchBytes: 8192,
      maxCompressedBytes: 4096,
      maxBatchEvents: 20,
      bodyTimeoutMs: 10_000,
      maxInflightRequests: 100,
    },
    trustedProxies: ["127.0.0.0/8", "::1/128"].map(parseCidr),
    corsOrigins: ["*"],
    futureToleranceMs: 600_000,
    checks: [],
    isDraining: () => false,
    now: () => Date.parse("2024-03-15T10:31:00.000Z"),
    ...overrides,
  };
  return { app: createApp(deps), producer, deps };
}

/** A JSON POST with the given write key as Basic-auth user. */
export function post(
  body: unknown,
  opts: { key?: string; headers?: Record<string, string> } = {},
): RequestInit {
  const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
  if (opts.key) headers.authorization = `Basic ${btoa(opts.key + ":")}`;
  return { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) };
}
