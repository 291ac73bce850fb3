import assert from "node:assert/strict";
import { dayStartIn, todayIn, zoneOffsetMs } from "./zone.ts";

Deno.test("dayStartIn() starts a Moscow day at 21:00 UTC the evening before", () => {
  const day = new Date("2026-03-15T00:00:00Z");
  assert.equal(zoneOffsetMs(day, "Europe/Moscow"), 3 * 3_600_000);
  assert.equal(dayStartIn(day, "Europe/Moscow").toISOString(), "2026-03-14T21:00:00.000Z");
  assert.equal(dayStartIn(day, "UTC").toISOString(), "2026-03-15T00:00:00.000Z");
});

Deno.test("dayStartIn() follows daylight saving (Berlin in summer is UTC+2)", () => {
  assert.equal(
    dayStartIn(new Date("2026-07-01T00:00:00Z"), "Europe/Berlin").toISOString(),
    "2026-06-30T22:00:00.000Z",
  );
});

Deno.test("todayIn() is already tomorrow in Moscow late in the UTC evening", () => {
  const now = new Date("2026-03-15T22:30:00Z");
  assert.equal(todayIn(now, "Europe/Moscow").toISOString(), "2026-03-16T00:00:00.000Z");
  assert.equal(todayIn(now, "UTC").toISOString(), "2026-03-15T00:00:00.000Z");
});
