import assert from "node:assert/strict";
import { compareTable, failureReport, scenarioResult } from "./compare.ts";

const ledger = (sent: string[], acked: string[]) => ({
  sent: new Set(sent),
  acked: new Set(acked),
});

Deno.test("compareTable() counts stored, missing, duplicated and unacknowledged-but-stored keys", () => {
  const audit = compareTable(
    "clickhouse",
    ledger(["a", "b", "c", "d", "e"], ["a", "b", "c"]),
    new Map([["a", 1], ["b", 2], ["d", 1]]),
  );
  assert.deepEqual(
    [audit.acknowledged, audit.stored, audit.missing, audit.duplicated, audit.unackedStored],
    [3, 2, 1, 1, 1],
  );
  assert.deepEqual(audit.examples, { missing: ["c"], duplicated: ["b"], unknown: [] });
});

Deno.test("compareTable() names rows for keys the load never sent", () => {
  const audit = compareTable("signups", ledger(["a"], ["a"]), new Map([["a", 1], ["zz", 1]]));
  assert.equal(audit.unknown, 1);
  assert.deepEqual(audit.examples.unknown, ["zz"]);
});

Deno.test("scenarioResult() passes only with 0 missing, 0 duplicated and every check ok", () => {
  const clean = compareTable(
    "clickhouse",
    ledger(["a", "b"], ["a"]),
    new Map([["a", 1], ["b", 1]]),
  );
  const pass = scenarioResult("s", [clean], { catchUpMs: 1200 });
  assert.deepEqual(
    [pass.pass, pass.acknowledged, pass.stored, pass.unackedStored, failureReport(pass)],
    [true, 1, 1, 1, ""],
  );

  const lostOrder = compareTable("orders", ledger(["a"], ["a"]), new Map());
  const answers = { ok: 1, unavailable: 2, otherStatus: 0, noAnswer: 3 };
  const lost = scenarioResult("s", [clean, lostOrder], { catchUpMs: null, answers });
  assert.equal(lost.pass, false);
  assert.equal(lost.missing, 1);
  assert.match(failureReport(lost), /orders: 1 missing \["a"\]/);
  assert.match(
    failureReport(lost),
    /ingest answered: \{"ok":1,"unavailable":2,"otherStatus":0,"noAnswer":3\}/,
  );

  const failedCheck = scenarioResult("s", [clean], {
    catchUpMs: 10,
    checks: [{ name: "503 during the outage", ok: false, detail: "saw 0" }],
  });
  assert.equal(failedCheck.pass, false);
  assert.match(failureReport(failedCheck), /check failed: 503 during the outage: saw 0/);
});

Deno.test("scenarioResult() fails a run that acknowledged nothing", () => {
  const empty = compareTable("clickhouse", ledger([], []), new Map());
  const result = scenarioResult("s", [empty], { catchUpMs: 0 });
  assert.equal(result.pass, false);
  assert.match(failureReport(result), /no event was acknowledged/);
});
