import assert from "node:assert/strict";
import {
  deadLetter,
  generateDeadLetterKey,
  parseDeadLetterKeys,
  REPLAYS_HEADER,
} from "../events/mod.ts";
import { createProducer, kafkaDeadLetters } from "../kafka/mod.ts";
import { produce, readTopicUntil, testKafka, testTopics } from "../testing/kafka.ts";
import { testId } from "../testing/stores.ts";
import {
  browseDeadLetters,
  filterRecords,
  findRecord,
  formatLine,
  isNarrowing,
  type Located,
  parsePosition,
  readDeadLetters,
  replay,
  replaySelected,
} from "./mod.ts";

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

Deno.test(
  "sealed dead letters reach the topic without their PII and replaySelected() opens them",
  opts,
  async () => {
    const id = testId();
    const [raw, dlq] = [`${id}_raw`, `${id}_dlq`];
    await using _topics = await testTopics([raw, dlq], { partitions: 1 });
    const keyring = await parseDeadLetterKeys(generateDeadLetterKey());
    const email = `${id}@example.com`;
    const message = (offset: string, text: string) => ({
      topic: raw,
      partition: 0,
      offset,
      key: `user_${offset}`,
      value: new TextEncoder().encode(text),
    });
    const now = new Date("2026-04-10T12:00:00Z");
    const privacy = deadLetter(message("1", `{"email":"${email}"}`), {
      stage: "enrich",
      reason: "PRIVACY_FAILED",
      error: "masking failed",
    }, now);
    const old = deadLetter(message("2", '{"old":true}'), {
      stage: "sink-clickhouse",
      reason: "ROW_REJECTED",
      error: "bad row",
    }, now);
    // A record written in clear before sealing existed, then one through the sealing sink.
    await produce(dlq, [{ key: null, value: JSON.stringify(old) }]);
    const producer = await createProducer(kafka);
    try {
      await kafkaDeadLetters(producer, dlq, { keyring }).send([privacy]);
    } finally {
      await producer.close();
    }
    const stored = await readTopicUntil(dlq, (seen) => seen.length >= 2);
    const text = stored.map((m) => new TextDecoder().decode(m.value)).join("\n");
    assert.equal(text.includes(email), false);
    assert.match(text, /"payload_encoding":"aes-256-gcm"/);

    const all = await readDeadLetters(kafka, dlq, { idleMs: 1500 });
    // Without a filter nothing is replayed unless "all" is asked for.
    await assert.rejects(
      replaySelected(kafka, all, { filter: {} }, { keyring }),
      /Replay needs a filter .* or an explicit all/,
    );
    // A dry run plans both, the sealed one opened, and sends nothing.
    const dry = await replaySelected(kafka, all, { filter: {}, all: true }, {
      keyring,
      dryRun: true,
    });
    assert.deepEqual(
      dry.messages.map((m) => [m.from.offset, m.key, new TextDecoder().decode(m.value)]),
      [["0", "user_2", '{"old":true}'], ["1", "user_1", `{"email":"${email}"}`]],
    );
    assert.deepEqual([dry.sent, dry.dryRun, dry.failed], [0, true, []]);
    // Without the key the sealed record is reported, never sent as ciphertext.
    const keyless = await replaySelected(kafka, all, { filter: { reason: "PRIVACY_FAILED" } }, {
      dryRun: true,
    });
    assert.deepEqual(keyless.messages, []);
    assert.match(
      keyless.failed[0]!.error,
      /sealed with key \w+, not among DEAD_LETTER_KEYS \(none configured\)/,
    );
    const done = await replaySelected(kafka, all, {
      filter: { positions: [{ partition: 0, offset: "1" }] },
    }, {
      keyring,
    });
    assert.equal(done.sent, 1);
    const replayed = await readTopicUntil(raw, (seen) => seen.length >= 1);
    assert.deepEqual(
      replayed.map((m) => [m.key, new TextDecoder().decode(m.value), m.headers[REPLAYS_HEADER]]),
      [["user_1", `{"email":"${email}"}`, "1"]],
    );
  },
);

Deno.test("browseDeadLetters() pages newest first and counts stages and reasons", () => {
  const at = (offset: number, stage: string, reason: string, minute: number): Located => ({
    partition: 0,
    offset: String(offset),
    record: {
      ...deadLetter(
        {
          topic: "raw_events",
          partition: 0,
          offset: String(offset),
          key: null,
          value: new Uint8Array(),
        },
        { stage, reason, error: "x" },
        new Date(Date.UTC(2026, 3, 10, 12, minute)),
      ),
    },
  });
  const records: Located[] = [
    at(0, "enrich", "INVALID_JSON", 0),
    at(1, "enrich", "PRIVACY_FAILED", 5),
    at(2, "sink-postgres", "ROW_REJECTED", 10),
    at(3, "enrich", "INVALID_JSON", 15),
    at(4, "enrich", "INVALID_JSON", 20),
    { partition: 0, offset: "5", record: null, invalid: "SyntaxError" },
  ];
  const first = browseDeadLetters(records, { stage: "enrich", pageSize: 2 });
  assert.deepEqual(first.items.map((r) => r.offset), ["4", "3"]);
  assert.deepEqual([first.total, first.page, first.pageSize, first.unreadable], [4, 1, 2, 1]);
  assert.deepEqual(first.stages, [["enrich", 4], ["sink-postgres", 1]]);
  assert.deepEqual(first.reasons, [["INVALID_JSON", 3], ["PRIVACY_FAILED", 1], [
    "ROW_REJECTED",
    1,
  ]]);
  const second = browseDeadLetters(records, { stage: "enrich", page: 2, pageSize: 2 });
  assert.deepEqual(second.items.map((r) => r.offset), ["1", "0"]);
  const recent = browseDeadLetters(records, {
    reason: "INVALID_JSON",
    since: new Date(Date.UTC(2026, 3, 10, 12, 15)),
  });
  assert.deepEqual(recent.items.map((r) => r.offset), ["4", "3"]);
  assert.equal(isNarrowing({}), false);
  assert.equal(isNarrowing({ eventIds: ["e1"] }), true);
});
