import { EnrichedEventSchema } from "../../shared/events/mod.ts";
import assert from "node:assert/strict";
import { rawEvent } from "../testing/events.ts";
import { createPipeline } from "./pipeline.ts";
import { FailClosedError, type Step } from "./types.ts";

Deno.test("createPipeline() records failing and crashing steps and still returns a valid event", async () => {
  const observed: Array<[string, boolean]> = [];
  const steps: Step[] = [
    { name: "rename", run: () => ({ patch: { event: "renamed" } }) },
    { name: "flaky", run: () => ({ patch: {}, error: "Redis timed out" }) },
    {
      name: "buggy",
      run: () => {
        throw new TypeError("x is undefined");
      },
    },
  ];
  const pipeline = createPipeline(steps, {
    observe: (step, _s, failed) => observed.push([step, failed]),
    now: () => Date.parse("2026-04-10T12:00:05Z"),
  });
  const raw = rawEvent();
  const event = await pipeline(raw);
  assert.deepEqual(event.event, "renamed");
  assert.deepEqual(event.event_id, raw.event_id);
  assert.deepEqual(event.enrichment_errors, [
    { step: "flaky", reason: "Redis timed out" },
    { step: "buggy", reason: "Step crashed: x is undefined" },
  ]);
  assert.deepEqual(observed, [["rename", false], ["flaky", true], ["buggy", true]]);
  assert.deepEqual(event.enriched_at, "2026-04-10T12:00:05.000Z");
  assert.deepEqual(EnrichedEventSchema.safeParse(event).success, true);
});

Deno.test("createPipeline() rejects with FailClosedError when a fail-closed step errors or throws", async () => {
  for (
    const run of [
      () => ({ patch: {}, error: "cannot mask" }),
      () => {
        throw new RangeError("too deep");
      },
    ]
  ) {
    const later: string[] = [];
    const pipeline = createPipeline([
      { name: "privacy", failClosed: true, run },
      { name: "after", run: () => (later.push("ran"), { patch: {} }) },
    ]);
    await assert.rejects(pipeline(rawEvent()), (error: unknown) => {
      assert.ok(error instanceof FailClosedError);
      assert.equal(error.reason, "PRIVACY_FAILED");
      assert.match(error.message, /privacy step failed/);
      return true;
    });
    assert.deepEqual(later, []);
  }
});
