import assert from "node:assert/strict";
import { parseSpendForm } from "./spend_form.ts";
import { InputError } from "./errors.ts";

Deno.test("parseSpendForm() takes a day and an amount with at most two decimals", () => {
  assert.deepEqual(parseSpendForm({ day: "2026-11-28", amount: "250" }), {
    day: "2026-11-28",
    amount: 250,
  });
  assert.deepEqual(parseSpendForm({ day: "2026-11-28", amount: " 99,5 " }), {
    day: "2026-11-28",
    amount: 99.5,
  });
});

Deno.test("parseSpendForm() names the wrong field", () => {
  const field = (form: { day?: string; amount?: string }) => {
    try {
      parseSpendForm(form);
      return "accepted";
    } catch (error) {
      assert.ok(error instanceof InputError);
      return error.field;
    }
  };
  assert.equal(field({ amount: "1" }), "day");
  assert.equal(field({ day: "2026-13-01", amount: "1" }), "day");
  assert.equal(field({ day: "2026-11-28", amount: "-5" }), "amount");
  assert.equal(field({ day: "2026-11-28", amount: "1.234" }), "amount");
  assert.equal(field({ day: "2026-11-28", amount: "abc" }), "amount");
  assert.equal(field({ day: "2026-11-28", amount: "2000000000" }), "amount");
  assert.equal(field({ day: "2026-11-28" }), "amount");
});
