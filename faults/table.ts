/** The suite's table, pure: markdown for the terminal and for the marked section of docs/reliability.md. */
import type { ScenarioResult } from "./compare.ts";

/** Marks the start of the section `npm run faults` rewrites in docs/reliability.md. */
export const BEGIN_MARK = "<!-- faults:begin (written by `npm run faults`; do not edit) -->";
/** Marks its end. */
export const END_MARK = "<!-- faults:end -->";

function seconds(ms: number | null): string {
  return ms === null ? "never" : `${(ms / 1000).toFixed(1)} s`;
}

/** One markdown table row per scenario, under a header naming the columns. */
export function renderTable(results: readonly ScenarioResult[]): string {
  const header = [
    "scenario",
    "acknowledged",
    "stored",
    "missing",
    "duplicated",
    "unacked-stored",
    "catch-up",
    "pass",
  ];
  const rows = results.map((r) => [
    r.scenario,
    String(r.acknowledged),
    String(r.stored),
    String(r.missing),
    String(r.duplicated),
    String(r.unackedStored),
    seconds(r.catchUpMs),
    r.pass ? "yes" : "**NO**",
  ]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Replaces what lies between the marks in `doc` with `section`; throws when a mark is absent. */
export function replaceSection(doc: string, section: string): string {
  const begin = doc.indexOf(BEGIN_MARK);
  const end = doc.indexOf(END_MARK);
  if (begin === -1 || end === -1 || end < begin) {
    throw new Error(
      `Cannot find the marked section in docs/reliability.md: expected "${BEGIN_MARK}" followed by "${END_MARK}"`,
    );
  }
  return `${doc.slice(0, begin + BEGIN_MARK.length)}\n${section.trim()}\n${doc.slice(end)}`;
}
