import assert from "node:assert/strict";
import {
  dataset,
  DAYS,
  insertEvents,
  queryHarness,
  START,
  type TestEvent,
} from "../testing/harness.ts";

const DAY = 86_400_000;

Deno.test("active users from the daily rollup equal the counts from the events, last day cut", async () => {
  await using h = await queryHarness();
  // The rollup has no source column: platform carries the test's id (cleanup deletes by it).
  const events = dataset(h.id).map((e) => ({ ...e, platform: h.id }));
  await insertEvents(h.ch, events, events.filter((_, i) => i % 5 === 0));
  const counted = events.filter((e) => !e.is_bot);
  const to = START + (DAYS - 1) * DAY + 12 * 3_600_000; // the last day ends at noon
  const from = START + 20 * DAY;
  const res = await h.get(
    `/api/v1/active-users?from=${new Date(from).toISOString()}&to=${
      new Date(to).toISOString()
    }&platform=${h.id}&compare=week`,
  );
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.ok(h.queries.every((q) => q.sql.includes("daily_active_users")), "served by the rollup");
  const actor = (e: TestEvent) => e.user_id || e.anonymous_id;
  const active = (day: number, span: number, end: number) =>
    new Set(
      counted.filter((e) => {
        const t = Date.parse(e.timestamp);
        return t >= day - (span - 1) * DAY && t < Math.min(day + DAY, end);
      }).map(actor),
    ).size;
  const expected = Array.from({ length: DAYS - 20 }, (_, i) => {
    const day = from + i * DAY;
    const [dau, wau, mau] = [1, 7, 30].map((span) => active(day, span, to));
    return [new Date(day).toISOString().slice(0, 10), dau, wau, mau];
  });
  assert.deepEqual(
    body.series.map((d: Record<string, unknown>) => [d.day, d.dau, d.wau, d.mau]),
    expected,
  );
  const weekAgo = START + (DAYS - 8) * DAY;
  assert.deepEqual(
    [body.previous.dau, body.previous.wau, body.previous.mau],
    [1, 7, 30].map((span) => active(weekAgo, span, to - 7 * DAY)),
  );
});
