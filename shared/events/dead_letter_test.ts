import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { deadLetter, DeadLetterSchema } from "./dead_letter.ts";

const AT = new Date("2024-03-15T10:31:00.000Z");

Deno.test("deadLetter() keeps a UTF-8 payload as text", () => {
  const record = deadLetter(
    {
      topic: "raw_events",
      partition: 2,
      offset: "41",
      key: "user_1",
      value: new TextEncoder().encode('{"a":"é"}'),
    },
    { stage: "enrich", reason: "SCHEMA_MISMATCH", error: "bad", eventId: "e1" },
    AT,
  );
  assert.equal(DeadLetterSchema.safeParse(record).success, true);
  assert.deepEqual([record.payload, record.payload_encoding, record.event_id], [
    '{"a":"é"}',
    "utf8",
    "e1",
  ]);
});

Deno.test("deadLetter() base64-encodes a large non-UTF-8 payload instead of throwing", () => {
  // 1 MiB (Kafka's default message size) of bytes that are not UTF-8: 0xff never is.
  const value = new Uint8Array(1024 * 1024).fill(0xff);
  value[7] = 0x41;
  const record = deadLetter(
    { topic: "raw_events", partition: 0, offset: "9", key: null, value },
    { stage: "enrich", reason: "INVALID_JSON", error: "not JSON" },
    AT,
  );
  assert.equal(record.payload_encoding, "base64");
  assert.deepEqual(new Uint8Array(Buffer.from(record.payload, "base64")), value);
  assert.equal(record.failed_at, "2024-03-15T10:31:00.000Z");
  assert.equal(record.event_id, null);
});

Deno.test("deadLetter() keeps the source message's Kafka key through a JSON round trip", () => {
  const record = deadLetter(
    { topic: "raw_events", partition: 3, offset: "12", key: "user_42", value: new Uint8Array() },
    { stage: "enrich", reason: "INVALID_JSON", error: "empty" },
    AT,
  );
  const parsed = DeadLetterSchema.parse(JSON.parse(JSON.stringify(record)));
  assert.deepEqual(parsed.source, {
    topic: "raw_events",
    partition: 3,
    offset: "12",
    key: "user_42",
  });
  const unkeyed = deadLetter(
    { topic: "raw_events", partition: 0, offset: "1", key: null, value: new Uint8Array() },
    { stage: "enrich", reason: "INVALID_JSON", error: "empty" },
    AT,
  );
  assert.equal(DeadLetterSchema.parse(JSON.parse(JSON.stringify(unkeyed))).source.key, null);
});

Deno.test("DeadLetterSchema still reads a record written before source.key existed", () => {
  const old = {
    schema_version: 1,
    stage: "enrich",
    reason: "SCHEMA_MISMATCH",
    error: "bad",
    event_id: "e-old",
    source: { topic: "raw_events", partition: 1, offset: "5" },
    payload: "{}",
    payload_encoding: "utf8",
    failed_at: "2024-03-15T10:31:00.000Z",
    replays: 0,
  };
  const parsed = DeadLetterSchema.parse(old);
  assert.deepEqual(parsed.source, { topic: "raw_events", partition: 1, offset: "5" });
  assert.equal(parsed.source.key, undefined);
});
