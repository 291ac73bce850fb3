/**
 * The short form of the fault suite, inside `npm test`: scenarios 1, 3, 4, 8 and 10 of issue 15
 * with a few hundred events each, every one audited (0 missing, 0 duplicated, its checks ok).
 * The full suite is `npm run faults`.
 */
import assert from "node:assert/strict";
import { failureReport } from "./compare.ts";
import { SIZES } from "./scenario.ts";
import { runPlan, SHORT_PLAN } from "./suite.ts";
import { renderTable } from "./table.ts";

Deno.test("fault suite, short form: no acknowledged event lost or duplicated through broker, enrich and sink crashes, poison and SIGTERM", async () => {
  const results = await runPlan(SHORT_PLAN, SIZES.short);
  console.log(renderTable(results));
  assert.deepEqual(results.map((r) => parseInt(r.scenario)), [1, 3, 4, 8, 10]);
  const failures = results.map(failureReport).filter((f) => f !== "");
  assert.equal(failures.length, 0, failures.join("\n"));
});
