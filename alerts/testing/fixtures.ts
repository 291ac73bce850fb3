/** Test data and helpers for alerts' tests. */
import { emptyEnrichment, type EnrichedEvent } from "../../shared/events/mod.ts";
import { FakeClock } from "../../shared/time.ts";
import type { Rule } from "../core/rules.ts";

/** A valid enriched purchase of 1,249 USD by user_789 (premium, Moscow), with `overrides`. */
export function enrichedEvent(overrides: Partial<EnrichedEvent> = {}): EnrichedEvent {
  return {
    schema_version: 1,
    event_id: crypto.randomUUID(),
    type: "track",
    event: "purchase",
    original_event: "Purchase",
    user_id: "user_789",
    anonymous_id: "anon_1",
    session_id: "sess_1",
    session_derived: false,
    group_id: null,
    previous_id: null,
    properties: { order_id: "789", total: 1249, currency: "USD" },
    traits: {},
    context: {},
    platform: "web",
    url: "https://shop.example.com/checkout",
    referrer: null,
    timestamp: "2026-04-10T12:00:00.000Z",
    client_timestamp: "2026-04-10T12:00:00.000Z",
    sent_at: null,
    received_at: "2026-04-10T12:00:01.000Z",
    timestamp_clamped: false,
    ip: "95.173.136.0",
    user_agent: "Mozilla/5.0",
    source_id: "web",
    format: "eventflow",
    ...emptyEnrichment(),
    geo: {
      country_code: "RU",
      country: "Russia",
      region: "Moscow",
      city: "Moscow",
      timezone: "Europe/Moscow",
      latitude: 55.75,
      longitude: 37.62,
    },
    device: {
      browser: "Chrome",
      browser_version: "120",
      os: "Windows",
      os_version: "10",
      device_type: "desktop",
      device_vendor: null,
      device_model: null,
      is_bot: false,
    },
    user: {
      tier: "premium",
      signup_at: "2025-11-02T10:00:00.000Z",
      country_code: "RU",
      identity_resolved: false,
    },
    revenue: { amount: 1249, currency: "USD", amount_base: 1249, base_currency: "USD" },
    enriched_at: "2026-04-10T12:00:01.500Z",
    ...overrides,
  };
}

/** The shipped big_purchase rule, with `overrides`. */
export function bigPurchase(overrides: Partial<Rule> = {}): Rule {
  return {
    id: "big_purchase",
    description: "A purchase worth more than 1,000 in the base currency",
    when: {
      event: "purchase",
      where: [{ field: "revenue.amount_base", op: "gt", value: 1000 }],
    },
    destinations: ["webhook:default"],
    ...overrides,
  };
}

/** One request a stand-in server received. */
export interface Received {
  path: string;
  headers: Headers;
  body: string;
}

/** A local HTTP stand-in on 127.0.0.1 answering with `respond`; records every request. */
export function standIn(
  respond: (request: Received, index: number) => Response | Promise<Response>,
): { url: string; received: Received[] } & AsyncDisposable {
  const received: Received[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const entry = {
        path: new URL(request.url).pathname,
        headers: request.headers,
        body: await request.text(),
      };
      received.push(entry);
      return await respond(entry, received.length - 1);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    received,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** A clock whose waits end at once, recording the asked delays. */
export function instantClock(): { clock: FakeClock; delays: number[] } {
  const clock = new FakeClock({ autoAdvance: true });
  return { clock, delays: clock.delays };
}

/** A 127.0.0.1 port nothing listens on (fetch refuses some well-known ports outright). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
