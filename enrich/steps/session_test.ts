import assert from "node:assert/strict";
import { draft } from "../testing/events.ts";
import { nextSession, sessionId, type SessionState, sessionStep } from "./session.ts";

const MIN = 60_000;

Deno.test("nextSession() continues within 30 minutes and starts anew after", () => {
  const t0 = Date.parse("2026-04-10T12:00:00Z");
  const first = nextSession(null, t0, { visitorId: "a" });
  assert.match(first.session_id, /^sess_[0-9a-f]{24}$/);
  const second = nextSession(first, t0 + 29 * MIN, { visitorId: "a" });
  assert.deepEqual(second.session_id, first.session_id);
  assert.deepEqual(second.last_seen_at, t0 + 29 * MIN);
  const third = nextSession(second, t0 + 29 * MIN + 31 * MIN, { visitorId: "a" });
  assert(third.session_id !== first.session_id, "a new session after 31 idle minutes");
  const late = nextSession(second, t0 - 5 * MIN, { visitorId: "a" });
  assert.deepEqual([late.session_id, late.started_at], [first.session_id, t0 - 5 * MIN]);
});

Deno.test("sessionId() is sess_ + the first 24 hex of SHA-256 of visitor and start, unchanged", () => {
  // Pinned: derived ids are stored in PostgreSQL and ClickHouse, so a new hash would split sessions.
  // printf 'anon_1\n1775822400000' | sha256sum → 9647f3ca2dd7967e2e9c1c2853ee2adf…
  assert.equal(sessionId("anon_1", 1775822400000), "sess_9647f3ca2dd7967e2e9c1c28");
});

function memoryStore(): {
  states: Map<string, SessionState>;
  get: (id: string) => Promise<SessionState | null>;
  set: (id: string, s: SessionState) => Promise<void>;
} {
  const states = new Map<string, SessionState>();
  return {
    states,
    get: (id) => Promise.resolve(states.get(id) ?? null),
    set: (id, s) => Promise.resolve(void states.set(id, s)),
  };
}

Deno.test("sessionStep() keeps a client session id and derives one for events without", async () => {
  const store = memoryStore();
  const step = sessionStep(store);
  const client = await step.run(draft({ session_id: "client-s1" }));
  assert.deepEqual(client.patch, {});
  const derived = await step.run(draft({ session_id: null, anonymous_id: "anon_9" }));
  assert.deepEqual(derived.patch.session_derived, true);
  assert.deepEqual(derived.patch.session_id, store.states.get("anon_9")?.session_id);
});

Deno.test("sessionStep() falls back to a time bucket and reports it when the store fails", async () => {
  const failing = {
    get: () => Promise.reject(new Error("Redis timed out")),
    set: () => Promise.resolve(),
  };
  const result = await sessionStep(failing).run(draft({ session_id: null }));
  assert.match(result.patch.session_id!, /^sess_/);
  assert.deepEqual(
    result.error,
    "Session state unavailable, used a 30-minute bucket: Redis timed out",
  );
});

Deno.test("sessionStep() gives a very late event its own session without ending the current one", async () => {
  // A mobile app flushing an offline queue delivers an event from hours ago mid-session.
  const store = memoryStore();
  const step = sessionStep(store);
  const t0 = Date.parse("2026-04-10T12:00:00Z");
  const at = (ms: number) =>
    draft({ session_id: null, anonymous_id: "anon_late", timestamp: new Date(ms).toISOString() });
  const current = (await step.run(at(t0))).patch.session_id;
  assert.equal((await step.run(at(t0 + 20 * MIN))).patch.session_id, current);
  const late = (await step.run(at(t0 - 3 * 60 * MIN))).patch.session_id;
  assert.equal(late, sessionId("anon_late", t0 - 3 * 60 * MIN));
  assert.equal((await step.run(at(t0 + 40 * MIN))).patch.session_id, current);
  assert.deepEqual(store.states.get("anon_late"), {
    session_id: current,
    started_at: t0,
    last_seen_at: t0 + 40 * MIN,
  });
});
