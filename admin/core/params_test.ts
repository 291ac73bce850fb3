import assert from "node:assert/strict";
import { offsetOf, pageWindow, parseChoice, parseDate, parsePage, parseText } from "./params.ts";
import { InputError } from "./errors.ts";

Deno.test("parsePage() defaults to 1 and rejects zero, negatives, fractions and words", () => {
  assert.equal(parsePage(undefined), 1);
  assert.equal(parsePage("3"), 3);
  for (const bad of ["0", "-1", "1.5", "abc", "10001"]) {
    assert.throws(
      () => parsePage(bad),
      (e: unknown) =>
        e instanceof InputError && e.field === "page" &&
        e.message === `Parameter "page" must be a whole number from 1 to 10000, got "${bad}"`,
    );
  }
});

Deno.test("parseDate() reads YYYY-MM-DD as UTC midnight and rejects impossible dates", () => {
  assert.equal(parseDate("from", "2025-01-31")?.toISOString(), "2025-01-31T00:00:00.000Z");
  assert.equal(parseDate("from", ""), undefined);
  assert.throws(
    () => parseDate("to", "2024-02-31"),
    /Parameter "to" must be a date like 2025-01-31, got "2024-02-31"/,
  );
  assert.throws(() => parseDate("to", "31/01/2025"), InputError);
});

Deno.test("parseChoice() and parseText() name the parameter in their errors", () => {
  assert.equal(parseChoice("refresh", "5", ["5", "10"]), "5");
  assert.throws(
    () => parseChoice("refresh", "7", ["5", "10"]),
    /Parameter "refresh" must be one of 5, 10, got "7"/,
  );
  assert.equal(parseText("q", "  abc "), "abc");
  assert.equal(parseText("q", "   "), undefined);
  assert.throws(
    () => parseText("q", "x".repeat(201)),
    /Parameter "q" must be at most 200 characters, got 201/,
  );
  assert.equal(offsetOf(3, 25), 50);
  assert.deepEqual(pageWindow(3, 25), { offset: 50, limit: 25 });
});
