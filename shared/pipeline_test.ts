import assert from "node:assert/strict";
import { REPLAYS_HEADER } from "./events/mod.ts";
import type { IncomingMessage } from "./kafka/mod.ts";
import { collectDeadLetters, dlq } from "./pipeline.ts";
import { FakeClock } from "./time.ts";

function message(offset: string, headers: Record<string, string> = {}): IncomingMessage {
  return {
    topic: "enriched_events",
    partition: 3,
    offset,
    key: "u1",
    value: new TextEncoder().encode(`{"n":${offset}}`),
    headers,
    timestamp: "0",
  };
}

Deno.test("collectDeadLetters() turns dlq outcomes and parse failures into records, counted per reason", () => {
  const clock = new FakeClock({ start: Date.parse("2026-04-10T12:00:00Z") });
  const dead = collectDeadLetters("sink-postgres", { clock });
  const outcome = dlq("INVALID_BUSINESS_EVENT", 'Purchase line 1 has no "product_id"');
  if (outcome.kind !== "dlq") throw new Error("dlq() must make a dlq outcome");
  dead.add(message("7"), { ...outcome, eventId: "e-7" });
  dead.add(message("8"), { reason: "INVALID_JSON", error: "Unexpected token", eventId: null }, {
    stage: "sink",
  });
  dead.add(message("9", { [REPLAYS_HEADER]: "2" }), { ...outcome, eventId: "e-9" });
  assert.deepEqual(
    dead.records.map((r) => [r.stage, r.reason, r.event_id, r.source.offset, r.replays]),
    [
      ["sink-postgres", "INVALID_BUSINESS_EVENT", "e-7", "7", 0],
      ["sink", "INVALID_JSON", null, "8", 0],
      ["sink-postgres", "INVALID_BUSINESS_EVENT", "e-9", "9", 2],
    ],
  );
  assert.deepEqual(dead.records[0]!.failed_at, "2026-04-10T12:00:00.000Z");
  assert.deepEqual(dead.records[0]!.payload, '{"n":7}');
  assert.deepEqual([...dead.counts()], [["INVALID_BUSINESS_EVENT", 2], ["INVALID_JSON", 1]]);
});

Deno.test("collectDeadLetters() ignores a replay header that is not a positive integer", () => {
  const dead = collectDeadLetters("enrich");
  for (const value of ["-1", "1.5", "x", "0"]) {
    dead.add(message("1", { [REPLAYS_HEADER]: value }), { reason: "R", error: "E" });
  }
  assert.deepEqual(dead.records.map((r) => r.replays), [0, 0, 0, 0]);
});
