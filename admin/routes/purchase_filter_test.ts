import assert from "node:assert/strict";
import { parsePurchaseQuery, parseRange } from "./purchase_filter.ts";

const now = new Date("2026-03-15T22:30:00Z"); // already 16 March in Moscow

Deno.test("parseRange() reads yesterday as a whole day in the viewer's zone", () => {
  const moscow = parseRange({ period: "yesterday" }, { now, zone: "Europe/Moscow" });
  assert.equal(moscow.from?.toISOString(), "2026-03-14T21:00:00.000Z");
  assert.equal(moscow.to?.toISOString(), "2026-03-15T21:00:00.000Z");
  const utc = parseRange({ from: "2026-03-01", to: "2026-03-01" }, { now, zone: "UTC" });
  assert.equal(utc.from?.toISOString(), "2026-03-01T00:00:00.000Z");
  assert.equal(utc.to?.toISOString(), "2026-03-02T00:00:00.000Z");
});

Deno.test("parsePurchaseQuery() names the bad parameter", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ min: "abc" }, /Parameter "min" must be an amount like 99.90, got "abc"/],
    [{ min: "50", max: "10" }, /Parameter "max" \(10\) must not be below "min" \(50\)/],
    [{ sort: "password" }, /Parameter "sort" must be one of created_at, revenue/],
    [{ period: "week" }, /Parameter "period" must be one of today, yesterday, 7d, 30d/],
    [{ from: "2026-02-30" }, /Parameter "from" must be a date/],
  ];
  for (const [query, message] of cases) {
    assert.throws(() => parsePurchaseQuery(query, { now, zone: "UTC" }), message);
  }
});

Deno.test("parsePurchaseQuery() accepts a decimal comma and defaults to newest first", () => {
  const { filter, order } = parsePurchaseQuery({ min: "10,5", city: " Moscow " }, {
    now,
    zone: "UTC",
  });
  assert.equal(filter.minAmount, 10.5);
  assert.equal(filter.city, "Moscow");
  assert.deepEqual(order, { sort: "created_at", dir: "desc" });
});
