/** Shared fixtures for ingest's tests and benchmarks: request facts and the brief's example. */
import type { RequestFacts } from "../core/event.ts";

/** Facts with a fixed clock. */
export function facts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    receivedAt: Date.parse("2024-03-15T10:31:00.000Z"),
    ip: "198.51.100.7",
    userAgent: "Mozilla/5.0 (test)",
    source: { sourceId: "src_web", platform: "web", kind: "public" },
    futureToleranceMs: 600_000,
    ...overrides,
  };
}

/** The brief's example event, as an app POSTs it to `/api/v1/event`. */
export const BRIEF_EXAMPLE = {
  user_id: "user_789",
  session_id: "sess_xyz123",
  event_type: "add_to_cart",
  event_data: { product_id: 123, price: 199.99 },
  timestamp: "2024-03-15T10:30:00Z",
  platform: "web",
  url: "/products/123",
};
