import assert from "node:assert/strict";
import { deadLetter, REPLAYS_HEADER } from "../events/mod.ts";
import { produce, readTopicUntil, testKafka, testTopics } from "../testing/kafka.ts";
import { testId } from "../testing/stores.ts";
import {
  filterRecords,
  findRecord,
  formatLine,
  parsePosition,
  readDeadLetters,
  replay,
} from "./records.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const kafka = testKafka("dlq-test");

Deno.test(
  "dlq list filters by reason and replay re-produces payloads with the replay count",
  opts,
  async () => {
    const id = testId();
    const [raw, dlq] = [`${id}_raw`, `${id}_dlq`];
    await using _topics = await testTopics([raw, dlq], { partitions: 1 });
    const message = (offset: string, text: string) => ({
      topic: raw,
      partition: 0,
      offset,
      key: `user_${offset}`,
      value: new TextEncoder().encode(text),
    });
    const now = new Date("2026-04-10T12:00:00Z");
    const records = [
      deadLetter(
        message("7", "{oops"),
        { stage: "enrich", reason: "INVALID_JSON", error: "bad" },
        now,
      ),
      deadLetter(message("8", '{"schema_version":2}'), {
        stage: "enrich",
        reason: "UNKNOWN_SCHEMA_VERSION",
        error: "v2",
        eventId: "e-2",
      }, now),
    ];
    await produce(dlq, records.map((r) => ({ key: r.event_id, value: JSON.stringify(r) })));
    const all = await readDeadLetters(kafka, dlq, { idleMs: 1500 });
    assert.deepEqual(all.length, 2);
    assert.equal(findRecord(all, parsePosition("0:0")!)?.record?.reason, "INVALID_JSON");
    assert.equal(findRecord(all, parsePosition("0:9")!), undefined);
    const v2 = filterRecords(all, { reason: "UNKNOWN_SCHEMA_VERSION", stage: "enrich" });
    assert.deepEqual(v2.map(formatLine), [
      "0:1\t2026-04-10T12:00:00.000Z\tenrich\tUNKNOWN_SCHEMA_VERSION\te-2\treplays=0\tv2",
    ]);
    // A record written before source.key existed is replayed keyed by its event id, as before.
    const { key: _dropped, ...oldSource } = records[1]!.source;
    const old = { ...v2[0]!, record: { ...v2[0]!.record!, source: oldSource } };
    assert.deepEqual(await replay(kafka, [...v2, old]), 2);
    const replayed = await readTopicUntil(raw, (seen) => seen.length >= 2);
    assert.deepEqual(new TextDecoder().decode(replayed[0]!.value), '{"schema_version":2}');
    // The original message's key, not the event id: the event rejoins its user's partition.
    assert.deepEqual(replayed.map((m) => [m.key, m.headers[REPLAYS_HEADER]]), [
      ["user_8", "1"],
      ["e-2", "1"],
    ]);
  },
);

Deno.test("parsePosition() reads <partition>:<offset> and nothing else", () => {
  assert.deepEqual(parsePosition("3:1200"), { partition: 3, offset: "1200" });
  assert.equal(parsePosition("3"), null);
  assert.equal(parsePosition("a:1"), null);
  assert.equal(parsePosition("1:2:3"), null);
});
