import assert from "node:assert/strict";
import { correctTimestamp } from "./time.ts";

const receivedAt = Date.parse("2024-03-15T12:00:00.000Z");
const tolerance = { receivedAt, futureToleranceMs: 600_000 };

Deno.test("correctTimestamp() shifts the event by the client clock skew from sent_at", () => {
  // Client clock is 1 h fast: it says it sent at 13:00 while the server received at 12:00.
  const result = correctTimestamp(
    { timestamp: "2024-03-15T12:59:50Z", sentAt: "2024-03-15T13:00:00Z" },
    tolerance,
  );
  assert.deepEqual(result, { timestamp: "2024-03-15T11:59:50.000Z", clamped: false });
});

Deno.test("correctTimestamp() keeps the client timestamp when sent_at is absent", () => {
  const result = correctTimestamp(
    { timestamp: "2024-03-15T10:30:00+01:00", sentAt: null },
    tolerance,
  );
  assert.deepEqual(result, { timestamp: "2024-03-15T09:30:00.000Z", clamped: false });
});

Deno.test("correctTimestamp() uses received_at when the client gave no timestamp", () => {
  const result = correctTimestamp({ timestamp: null, sentAt: "2024-03-15T13:00:00Z" }, tolerance);
  assert.deepEqual(result, { timestamp: "2024-03-15T12:00:00.000Z", clamped: false });
});

Deno.test("correctTimestamp() clamps events beyond the future tolerance to received_at", () => {
  const result = correctTimestamp({ timestamp: "2024-03-15T12:10:01Z", sentAt: null }, tolerance);
  assert.deepEqual(result, { timestamp: "2024-03-15T12:00:00.000Z", clamped: true });
});

Deno.test("correctTimestamp() accepts events within the future tolerance unchanged", () => {
  const result = correctTimestamp({ timestamp: "2024-03-15T12:10:00Z", sentAt: null }, tolerance);
  assert.deepEqual(result, { timestamp: "2024-03-15T12:10:00.000Z", clamped: false });
});
