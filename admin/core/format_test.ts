import assert from "node:assert/strict";
import { formatCount, formatMoney, formatPercent, formatTime } from "./format.ts";

Deno.test("formatters render what staff read: grouped counts, two-decimal money, UTC times", () => {
  assert.equal(formatCount(1234567), "1,234,567");
  assert.equal(formatMoney(1234.5, "USD"), "1,234.50 USD");
  assert.equal(formatMoney(null, "USD"), "—");
  assert.equal(formatPercent(1, 3), "33.3%");
  assert.equal(formatPercent(1, 0), "—");
  assert.equal(formatTime(new Date("2025-01-31T14:05:09.123Z")), "2025-01-31 14:05:09 UTC");
});
