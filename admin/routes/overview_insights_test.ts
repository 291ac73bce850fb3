import assert from "node:assert/strict";
import { everyDay } from "./overview_insights.tsx";

Deno.test("everyDay() draws every day of the range, zero where the service had no bucket", () => {
  // Moscow-day buckets start at 21:00 UTC the evening before.
  const series = [
    { t: "2026-03-01T21:00:00.000Z", revenue: 50 },
    { t: "2026-03-03T21:00:00.000Z", revenue: 400 },
  ];
  assert.deepEqual(
    everyDay({ fromDay: "2026-03-01", toDay: "2026-03-04" }, series, "Europe/Moscow"),
    [
      { day: "2026-03-01", value: 0 },
      { day: "2026-03-02", value: 50 },
      { day: "2026-03-03", value: 0 },
      { day: "2026-03-04", value: 400 },
    ],
  );
});
