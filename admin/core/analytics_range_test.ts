import assert from "node:assert/strict";
import { resolveAnalyticsRange } from "./analytics_range.ts";
import { InputError } from "./errors.ts";

const now = new Date("2026-03-10T22:30:00Z");

Deno.test("resolveAnalyticsRange(): today against last week, days in the viewer's zone", () => {
  const today = resolveAnalyticsRange({ period: "today" }, { now, timeZone: "Europe/Moscow" });
  // 22:30 UTC is already March 11 in Moscow.
  assert.deepEqual(today, {
    key: "today",
    fromDay: "2026-03-11",
    toDay: "2026-03-11",
    compare: "week",
    params: { last: "today", compare: "week", tz: "Europe/Moscow" },
  });
  const week = resolveAnalyticsRange({ period: "7d" }, { now, timeZone: "UTC" });
  assert.deepEqual(week.params, {
    from: "2026-03-04",
    to: "2026-03-10",
    compare: "previous",
    tz: "UTC",
  });
  assert.equal(
    resolveAnalyticsRange({}, { now, timeZone: "UTC", fallback: "30d" }).fromDay,
    "2026-02-09",
  );
});

Deno.test("resolveAnalyticsRange(): custom days are checked and named when wrong", () => {
  const custom = resolveAnalyticsRange({ from: "2026-01-01", to: "2026-01-31" }, {
    now,
    timeZone: "UTC",
  });
  assert.equal(custom.key, "custom");
  assert.deepEqual([custom.fromDay, custom.toDay], ["2026-01-01", "2026-01-31"]);
  const field = (query: Record<string, string>) => {
    try {
      resolveAnalyticsRange(query, { now, timeZone: "UTC" });
    } catch (error) {
      assert.ok(error instanceof InputError);
      return `${error.field}: ${error.message}`;
    }
    return "accepted";
  };
  assert.match(field({ period: "custom", from: "2026-01-01" }), /^to: .*required/);
  assert.match(field({ period: "custom", from: "2026-02-01", to: "2026-01-01" }), /^to: .*before/);
  assert.match(
    field({ period: "custom", from: "2024-01-01", to: "2026-01-01" }),
    /^to: .*at most 366/,
  );
  assert.match(field({ period: "custom", from: "2026-02-30", to: "2026-03-01" }), /^from: /);
  assert.match(field({ period: "year" }), /^period: .*one of today, 7d, 30d, custom/);
});
