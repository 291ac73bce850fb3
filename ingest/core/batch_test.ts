import assert from "node:assert/strict";
import { facts } from "../testing/fixtures.ts";
import { batchItems, batchResponse, mapBatch } from "./batch.ts";
import { IngestError } from "./errors.ts";
import { mapEventflowEvent } from "./eventflow_format.ts";

const good = { user_id: "u1", event_type: "click" };

function thrown(fn: () => unknown): IngestError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof IngestError);
    return error;
  }
  throw new Error("expected a throw");
}

Deno.test("batchItems() accepts {events:[...]} and a bare array", () => {
  assert.equal(
    batchItems({ events: [good, good] }, { listKey: "events", maxEvents: 10 }).items.length,
    2,
  );
  assert.equal(batchItems([good], { listKey: "events", maxEvents: 10 }).items.length, 1);
});

Deno.test("batchItems() rejects missing, empty, non-array and oversize lists", () => {
  const opts = { listKey: "events", maxEvents: 2 };
  assert.deepEqual(
    [thrown(() => batchItems({}, opts)).status, thrown(() => batchItems({}, opts)).field],
    [400, "events"],
  );
  assert.equal(
    thrown(() => batchItems({ events: [] }, opts)).message,
    'Field "events" must contain at least one event',
  );
  assert.equal(thrown(() => batchItems({ events: {} }, opts)).code, "INVALID_FIELD");
  assert.equal(thrown(() => batchItems("x", opts)).code, "INVALID_BODY");
  const tooMany = thrown(() => batchItems([good, good, good], opts));
  assert.deepEqual([tooMany.status, tooMany.code], [413, "BATCH_TOO_LARGE"]);
  assert.equal(tooMany.message, "Batch has 3 events; at most 2 are accepted per request");
});

Deno.test("mapBatch() accepts valid items and reports each invalid one by index", () => {
  const outcome = mapBatch(
    [good, { event_type: "x" }, { ...good, pad: "y".repeat(200) }, good],
    (item) => mapEventflowEvent(item, facts()),
    { maxEventBytes: 150 },
  );
  assert.equal(outcome.events.length, 2);
  assert.deepEqual(outcome.rejected, [
    {
      index: 1,
      code: "MISSING_FIELD",
      field: "user_id",
      reason: 'Field "user_id" is required (or "anonymous_id" for visitors who have not logged in)',
      retriable: false,
    },
    {
      index: 2,
      code: "EVENT_TOO_LARGE",
      field: "event",
      reason: "Event is 246 bytes; at most 150 are accepted per event",
      retriable: false,
    },
  ]);
  const response = batchResponse(outcome, "events");
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { status: "partial", accepted: 2, rejected: outcome.rejected });
});

Deno.test("batchResponse() answers 400 naming the first fault when every item was rejected", () => {
  const outcome = mapBatch([{ user_id: "u" }], (item) => mapEventflowEvent(item, facts()), {
    maxEventBytes: 1000,
  });
  const response = batchResponse(outcome, "events");
  assert.equal(response.status, 400);
  assert.deepEqual(response.body.error, {
    code: "MISSING_FIELD",
    message: 'Every event in the batch was rejected; first: Field "event_type" is required',
    field: "events[0].event_type",
  });
});
