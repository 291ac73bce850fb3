import assert from "node:assert/strict";
import { compareRange, localDate, resolveRange, zonedMidnight } from "./time.ts";

const NOW = Date.parse("2026-12-02T13:30:00Z");

Deno.test("zonedMidnight() finds local midnight, across a DST change too", () => {
  assert.equal(
    zonedMidnight("2026-12-02", "Europe/Moscow").toISOString(),
    "2026-12-01T21:00:00.000Z",
  );
  assert.equal(
    zonedMidnight("2026-03-29", "Europe/Berlin").toISOString(),
    "2026-03-28T23:00:00.000Z",
  );
  assert.equal(
    zonedMidnight("2026-03-30", "Europe/Berlin").toISOString(),
    "2026-03-29T22:00:00.000Z",
  );
  assert.equal(localDate(Date.parse("2026-12-01T21:30:00Z"), "Europe/Moscow"), "2026-12-02");
});

Deno.test("resolveRange(): last=today, durations, date-only bounds in the timezone", () => {
  const today = resolveRange({ last: "today", tz: "Europe/Moscow" }, NOW);
  assert.deepEqual(
    [today.from.toISOString(), today.to.toISOString()],
    ["2026-12-01T21:00:00.000Z", "2026-12-02T13:30:00.000Z"],
  );
  const day = resolveRange({ last: "24h", tz: "UTC" }, NOW);
  assert.equal(day.to.getTime() - day.from.getTime(), 86_400_000);
  const dates = resolveRange({ from: "2026-11-01", to: "2026-11-30", tz: "UTC" }, NOW);
  assert.deepEqual(
    [dates.from.toISOString(), dates.to.toISOString()],
    ["2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z"],
  );
  const fallback = resolveRange({ tz: "UTC" }, NOW);
  assert.equal(fallback.to.getTime() - fallback.from.getTime(), 7 * 86_400_000);
});

Deno.test("compareRange(): the period before, or the same one a week earlier", () => {
  const range = { from: new Date("2026-12-01T00:00:00Z"), to: new Date("2026-12-02T12:00:00Z") };
  assert.deepEqual(compareRange(range, "previous"), {
    from: new Date("2026-11-29T12:00:00Z"),
    to: new Date("2026-12-01T00:00:00Z"),
  });
  assert.deepEqual(compareRange(range, "week"), {
    from: new Date("2026-11-24T00:00:00Z"),
    to: new Date("2026-11-25T12:00:00Z"),
  });
  assert.equal(compareRange(range, "none"), null);
});
