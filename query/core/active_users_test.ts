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
const HOUR = 3_600_000;

const actorOf = (e: TestEvent) => e.user_id || e.anonymous_id;

/** Actors active in the `span` local days ending with the day starting at `day`, before `end`. */
function activeIn(events: TestEvent[], day: number, span: number, end: number): number {
  return new Set(
    events.filter((e) => {
      const t = Date.parse(e.timestamp);
      return t >= day - (span - 1) * DAY && t < Math.min(day + DAY, end);
    }).map(actorOf),
  ).size;
}

function expectedSeries(events: TestEvent[], firstDay: number, days: number, to: number) {
  return Array.from({ length: days }, (_, i) => {
    const day = firstDay + i * DAY;
    return [
      new Date(day).toISOString().slice(0, 10),
      ...[1, 7, 30].map((span) => activeIn(events, day, span, to)),
    ];
  });
}

const pick = (body: { series: Record<string, unknown>[] }) =>
  body.series.map((d) => [d.day, d.dau, d.wau, d.mau]);

Deno.test("active users: the actor_days rollup, the timezone path and a long range count the same actors", async (t) => {
  await using h = await queryHarness();
  const events = dataset(h.id);
  // Every 5th event twice, unmerged: a duplicate must not make an actor count twice.
  await insertEvents(h.ch, events, events.filter((_, i) => i % 5 === 0));
  const counted = events.filter((e) => e.source_id === h.id && !e.is_bot);
  const get = async (query: string) => {
    h.queries.length = 0;
    const res = await h.get(`/api/v1/active-users?${query}&source=${h.id}`);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  };

  await t.step("UTC: whole days from actor_days, the cut last day from events", async () => {
    const to = START + (DAYS - 1) * DAY + 12 * HOUR; // the last day ends at noon
    const from = START + 20 * DAY;
    const body = await get(
      `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&compare=week`,
    );
    assert.ok(h.queries.every((q) => q.sql.includes("FROM actor_days")), "served by the rollup");
    assert.ok(h.queries.every((q) => !q.sql.includes("FINAL")), "no FINAL needed");
    assert.deepEqual(pick(body), expectedSeries(counted, from, DAYS - 20, to));
    const weekAgo = START + (DAYS - 8) * DAY;
    assert.deepEqual(
      [body.previous.dau, body.previous.wau, body.previous.mau],
      [1, 7, 30].map((span) => activeIn(counted, weekAgo, span, to - 7 * DAY)),
    );
  });

  await t.step("another timezone: local days from events FINAL", async () => {
    // Moscow is UTC+3 all year: local day d starts at 21:00 UTC of the day before.
    const body = await get("from=2026-10-20&to=2026-10-29&tz=Europe/Moscow&compare=none");
    assert.ok(h.queries.every((q) => q.sql.includes("events FINAL")), "read from events");
    const shifted = counted.map((e) => ({
      ...e,
      timestamp: new Date(Date.parse(e.timestamp) + 3 * HOUR).toISOString(),
    }));
    const from = Date.parse("2026-10-20T00:00:00Z");
    assert.deepEqual(pick(body), expectedSeries(shifted, from, 10, from + 10 * DAY));
  });

  await t.step("a range longer than the bitmask holds counts distinct actors per day", async () => {
    const body = await get("from=2026-09-20&to=2026-10-31&compare=none");
    const from = Date.parse("2026-09-20T00:00:00Z");
    assert.equal(body.series.length, 42);
    assert.ok(h.queries.some((q) => q.sql.includes("uniqExactIf")), "the expansion query");
    assert.deepEqual(pick(body), expectedSeries(counted, from, 42, from + 42 * DAY));
  });
});
