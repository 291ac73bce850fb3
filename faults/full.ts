/**
 * The full fault suite, run by `faults/main.ts` (`npm run faults`) inside the test environment:
 * every scenario, a table of the audits, and that table written into docs/reliability.md.
 *
 *   deno run -A faults/full.ts [--only 1,3] [--no-docs]
 */
import { parseCli } from "../shared/cli.ts";
import { failureReport } from "./compare.ts";
import { SIZES } from "./scenario.ts";
import { FULL_PLAN, onlyScenarios, runPlan } from "./suite.ts";
import { renderTable, replaceSection } from "./table.ts";

const DOC = new URL("../docs/reliability.md", import.meta.url);

async function main(args: string[]): Promise<number> {
  const { values } = parseCli({
    args,
    options: { only: { type: "string" }, "no-docs": { type: "boolean" } },
  });
  const only = (values.only ?? "").split(",").filter((s) => s !== "").map(Number);
  const plan = onlyScenarios(FULL_PLAN, only);
  const started = Date.now();
  // The commit of the code that runs: HEAD may move while the suite runs.
  const commit = new TextDecoder().decode(
    (await new Deno.Command("git", { args: ["rev-parse", "--short", "HEAD"] }).output()).stdout,
  ).trim();
  const results = await runPlan(plan, SIZES.full, (r) => {
    console.log(`${r.pass ? "pass" : "FAIL"}: ${r.scenario} (${r.acknowledged} acknowledged)`);
  });
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const table = renderTable(results);
  console.log(`\n${table}\n`);
  for (const report of results.map(failureReport).filter((f) => f !== "")) console.log(report);
  if (values["no-docs"] !== true && only.length === 0) {
    const section = [
      `Run of \`npm run faults\` on ${new Date().toISOString().slice(0, 16)} UTC at commit ` +
      `${commit}, ${minutes} min, ${SIZES.full.rate} events/s per scenario (soak: half).`,
      "",
      table,
    ].join("\n");
    await Deno.writeTextFile(DOC, replaceSection(await Deno.readTextFile(DOC), section));
    console.log(`docs/reliability.md: table rewritten`);
  }
  console.log(`fault suite: ${results.filter((r) => r.pass).length} of ${results.length} passed`);
  return results.every((r) => r.pass) ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
