import assert from "node:assert/strict";
import { parseDenoSummary, summaryLine } from "./deno_summary.ts";

Deno.test("parseDenoSummary() reads a passing run", () => {
  const out = "running 2 tests from ./a_test.ts\nx ... ok (1ms)\n\nok | 7 passed | 0 failed (1s)\n";
  assert.deepEqual(parseDenoSummary(out), { ok: true, passed: 7, failed: 0 });
});

Deno.test("parseDenoSummary() reads a failing run with steps, ignored and coloured text", () => {
  const out = "ERRORS\n...\n\x1b[0m\x1b[31mFAILED\x1b[0m | 12 passed (3 steps) | 2 failed | " +
    "1 ignored \x1b[0m\x1b[38;5;245m(4s)\x1b[0m\n\nerror: Test failed\n";
  assert.deepEqual(parseDenoSummary(out), { ok: false, passed: 12, failed: 2 });
});

Deno.test("parseDenoSummary() takes the last summary and ignores look-alikes in test output", () => {
  const out = "log: ok | 1 passed | 0 failed\nok | 1 passed | 0 failed (1ms)\n" +
    "FAILED | 3 passed | 4 failed (2s)\n";
  assert.deepEqual(parseDenoSummary(out), { ok: false, passed: 3, failed: 4 });
});

Deno.test("parseDenoSummary() returns null when deno never got to run tests", () => {
  assert.equal(parseDenoSummary("error: TS2322 [ERROR]: Type 'string' is not assignable\n"), null);
});

Deno.test("summaryLine() prints the CI line, counting a summary-less failure as one", () => {
  assert.equal(summaryLine({ ok: false, passed: 5, failed: 2 }, 1), "deno: 5 passed, 2 failed");
  assert.equal(summaryLine(null, 1), "deno: 0 passed, 1 failed");
  assert.equal(summaryLine(null, 0), "deno: 0 passed, 0 failed");
});
