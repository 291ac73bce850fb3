import { DeadLetterSchema } from "../shared/events/mod.ts";
import type { Batch, OutgoingMessage } from "../shared/kafka/mod.ts";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { FakeClock } from "../shared/time.ts";
import assert from "node:assert/strict";
import { rawEvent } from "./testing/events.ts";
import { createBatchHandler, parseRaw, REPLAYS_HEADER, visitorGroups } from "./handler.ts";
import { createEnrichMetrics } from "./metrics.ts";
import { createPipeline } from "./steps/pipeline.ts";
import { normalizeStep } from "./steps/normalize.ts";
import { privacyStep } from "./steps/privacy.ts";
import type { Step } from "./steps/types.ts";

const encode = (value: unknown) =>
  new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

function batch(values: Uint8Array[], headers: Record<string, string> = {}): Batch {
  return {
    topic: "raw",
    partition: 2,
    lastOffset: String(values.length - 1),
    messages: values.map((value, i) => ({
      topic: "raw",
      partition: 2,
      offset: String(i),
      key: null,
      value,
      headers,
      timestamp: "0",
    })),
  };
}

function setup(failures = 0, steps: Step[] = [normalizeStep()]) {
  const sent: Array<{ topic: string; messages: OutgoingMessage[] }> = [];
  const clock = new FakeClock({ start: Date.parse("2026-04-10T12:00:00Z"), autoAdvance: true });
  let left = failures;
  const handler = createBatchHandler({
    prepare: () =>
      Promise.resolve({
        pipeline: createPipeline(steps),
        flush: () => Promise.resolve(),
      }),
    producer: {
      send: (topic, messages) => {
        if (topic === "enriched" && left-- > 0) {
          return Promise.reject(new Error("NOT_ENOUGH_REPLICAS"));
        }
        sent.push({ topic, messages });
        return Promise.resolve();
      },
    },
    topics: { enriched: "enriched", deadLetter: "dlq" },
    metrics: createEnrichMetrics(createRegistry("enrich", { processMetrics: false })),
    logger: createLogger("enrich", { write: () => {} }),
    produceAttempts: 3,
    clock,
    backoff: { random: () => 1 },
  });
  return { handler, sent, sleeps: clock.delays };
}

Deno.test("the handler dead-letters garbage, schema mismatches and unknown versions with reasons", async () => {
  const { handler, sent } = setup();
  const good = rawEvent();
  await handler(batch([
    encode("{not json"),
    encode({ ...rawEvent(), event_id: "e-bad", timestamp: "yesterday" }),
    encode({ ...rawEvent(), schema_version: 2, event_id: "e-v2" }),
    encode(good),
  ], { [REPLAYS_HEADER]: "1" }));
  const dead = sent.find((s) => s.topic === "dlq")!.messages.map((m) =>
    DeadLetterSchema.parse(JSON.parse(m.value as string))
  );
  assert.deepEqual(dead.map((d) => [d.reason, d.event_id, d.source.offset, d.replays]), [
    ["INVALID_JSON", null, "0", 1],
    ["SCHEMA_MISMATCH", "e-bad", "1", 1],
    ["UNKNOWN_SCHEMA_VERSION", "e-v2", "2", 1],
  ]);
  assert.deepEqual(dead[0]!.payload, "{not json");
  assert.deepEqual(dead[2]!.error, "Message has schema_version 2; this enrich reads version 1");
  const enriched = sent.find((s) => s.topic === "enriched")!.messages;
  assert.deepEqual(enriched.length, 1);
  assert.deepEqual(enriched[0]!.key, "user_789");
  assert.deepEqual(JSON.parse(enriched[0]!.value as string).event_id, good.event_id);
});

Deno.test("the handler retries a failing produce with backoff before resolving", async () => {
  const { handler, sent, sleeps } = setup(2);
  await handler(batch([encode(rawEvent())]));
  assert.deepEqual(sleeps, [100, 200]);
  assert.deepEqual(sent.filter((s) => s.topic === "enriched").length, 1);
});

Deno.test("the handler rejects after its last attempt so the batch is redelivered, not committed", async () => {
  const { handler, sleeps } = setup(10);
  let message = "";
  await handler(batch([encode(rawEvent())])).catch((e) => (message = e.message));
  assert.deepEqual(message, "NOT_ENOUGH_REPLICAS");
  assert.deepEqual(sleeps, [100, 200]);
});

Deno.test("the handler keeps one visitor's events in order", async () => {
  const { handler, sent } = setup();
  const events = [1, 2, 3].map((n) =>
    rawEvent({ event: `e${n}`, user_id: n === 2 ? "other" : "u" })
  );
  await handler(batch(events.map(encode)));
  const names = sent[0]!.messages.map((m) => JSON.parse(m.value as string).event);
  assert.deepEqual(names, ["e1", "e2", "e3"]);
});

Deno.test("visitorGroups() joins events sharing a user or anonymous id, transitively, in order", () => {
  const entry = (user_id: string | null, anonymous_id: string | null, event: string) => ({
    event: rawEvent({ user_id, anonymous_id, event }),
  });
  const groups = [
    ...visitorGroups([
      entry(null, "a1", "1"),
      entry("u1", "a2", "2"),
      entry("u2", "a3", "3"),
      entry("u1", "a1", "4"),
      entry(null, "a3", "5"),
      entry(null, null, "6"),
    ]).values(),
  ].map((group) => group.map((e) => e.event.event));
  assert.deepEqual(groups, [["1", "2", "4"], ["3", "5"], ["6"]]);
});

Deno.test("parseRaw() calls JSON that is not an event object a schema mismatch, not a future version", () => {
  const reasons = ["42", "[]", '"x"', "null", '{"event_id":"e-1"}', '{"schema_version":null}'].map(
    (text) => {
      const parsed = parseRaw(new TextEncoder().encode(text));
      return [text, parsed.ok ? "ok" : parsed.reason];
    },
  );
  assert.deepEqual(reasons, [
    ["42", "SCHEMA_MISMATCH"],
    ["[]", "SCHEMA_MISMATCH"],
    ['"x"', "SCHEMA_MISMATCH"],
    ["null", "SCHEMA_MISMATCH"],
    ['{"event_id":"e-1"}', "SCHEMA_MISMATCH"],
    ['{"schema_version":null}', "SCHEMA_MISMATCH"],
  ]);
  const future = parseRaw(new TextEncoder().encode('{"schema_version":2,"event_id":"e-2"}'));
  assert.deepEqual(future.ok ? null : [future.reason, future.error, future.eventId], [
    "UNKNOWN_SCHEMA_VERSION",
    "Message has schema_version 2; this enrich reads version 1",
    "e-2",
  ]);
  const array = parseRaw(new TextEncoder().encode("[]"));
  assert.match(array.ok ? "" : array.error, /^Message does not match the schema: field "\(root\)"/);
});

/** An email inside arrays nested `depth` levels deep. */
function nested(depth: number): unknown {
  let value: unknown = "jane.doe@example.com";
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

Deno.test("a privacy failure dead-letters the event instead of emitting it unmasked (#13, 5)", async () => {
  const crashing: Step = {
    name: "privacy",
    failClosed: true,
    run: (event) => {
      if (event.event_id === "e-deep") throw new RangeError("Maximum call stack size exceeded");
      return { patch: { properties: {} } };
    },
  };
  for (
    const [steps, depth] of [
      [[normalizeStep(), privacyStep()], 3000],
      [[normalizeStep(), privacyStep()], 5000],
      [[normalizeStep(), privacyStep()], 80],
      [[normalizeStep(), crashing], 1],
    ] as Array<[Step[], number]>
  ) {
    const { handler, sent } = setup(0, steps);
    const good = rawEvent({ properties: { note: "write to jane.doe@example.com" } });
    const deep = rawEvent({ event_id: "e-deep", properties: { list: nested(depth) } });
    await handler(batch([encode(deep), encode(good)]));
    const enriched = sent.filter((s) => s.topic === "enriched").flatMap((s) => s.messages);
    assert.deepEqual(enriched.length, 1, `depth ${depth}`);
    assert.deepEqual(JSON.parse(enriched[0]!.value as string).event_id, good.event_id);
    assert.ok(!String(enriched[0]!.value).includes("jane.doe@example.com"));
    const dead = sent.filter((s) => s.topic === "dlq").flatMap((s) => s.messages).map((m) =>
      DeadLetterSchema.parse(JSON.parse(m.value as string))
    );
    assert.deepEqual(dead.map((d) => [d.reason, d.event_id]), [["PRIVACY_FAILED", "e-deep"]]);
    assert.match(dead[0]!.error, /privacy/);
  }
});

Deno.test("the handler passes source_kind through unchanged, absent stays absent (#13, 4)", async () => {
  const { handler, sent } = setup(0, [normalizeStep(), privacyStep()]);
  await handler(batch([
    encode(rawEvent({ event_id: "e-server", source_kind: "server" })),
    encode(rawEvent({ event_id: "e-public", source_kind: "public" })),
    encode(rawEvent({ event_id: "e-old" })),
  ]));
  const enriched = sent.find((s) => s.topic === "enriched")!.messages.map((m) =>
    JSON.parse(m.value as string)
  );
  assert.deepEqual(enriched.map((e) => [e.event_id, e.source_kind]), [
    ["e-server", "server"],
    ["e-public", "public"],
    ["e-old", undefined],
  ]);
});
