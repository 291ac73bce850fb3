import assert from "node:assert/strict";
import { BEGIN_MARK, END_MARK, renderTable, replaceSection } from "./table.ts";
import { scenarioResult } from "./compare.ts";

Deno.test("renderTable() prints one row per scenario with the catch-up in seconds", () => {
  const table = compareAndRender();
  assert.equal(
    table.split("\n")[2],
    "| 1 kafka broker SIGKILL | 2 | 2 | 0 | 0 | 0 | 3.2 s | yes |",
  );
  assert.match(table.split("\n")[3]!, /\| never \| \*\*NO\*\* \|$/);
});

function compareAndRender(): string {
  const table = {
    table: "clickhouse",
    acknowledged: 2,
    stored: 2,
    missing: 0,
    duplicated: 0,
    unackedStored: 0,
    unknown: 0,
    examples: { missing: [], duplicated: [], unknown: [] },
  };
  return renderTable([
    scenarioResult("1 kafka broker SIGKILL", [table], { catchUpMs: 3210 }),
    scenarioResult("3 enrich SIGKILL", [{ ...table, stored: 1, missing: 1 }], { catchUpMs: null }),
  ]);
}

Deno.test("replaceSection() rewrites only the marked section and refuses a doc without marks", () => {
  const doc = `# Title\n\n${BEGIN_MARK}\nold\n${END_MARK}\n\nafter\n`;
  assert.equal(
    replaceSection(doc, "new table\n"),
    `# Title\n\n${BEGIN_MARK}\nnew table\n${END_MARK}\n\nafter\n`,
  );
  assert.throws(() => replaceSection("# no marks", "x"), /Cannot find the marked section/);
});
