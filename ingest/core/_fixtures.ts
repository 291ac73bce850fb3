/** Shared request facts for the core tests. */
import type { RequestFacts } from "./event.ts";

/** Facts with a fixed clock and deterministic ids. */
export function facts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  let n = 0;
  return {
    receivedAt: Date.parse("2024-03-15T10:31:00.000Z"),
    ip: "198.51.100.7",
    userAgent: "Mozilla/5.0 (test)",
    source: { sourceId: "src_web", platform: "web" },
    futureToleranceMs: 600_000,
    newId: () => `generated-${++n}`,
    ...overrides,
  };
}
