/** Reading the result of a `deno test` run from its output, for the CI line `N passed, M failed`. */

/** Counts from deno's final summary line. */
export interface DenoSummary {
  ok: boolean;
  passed: number;
  failed: number;
}

// deno colours its output even when piped; the summary is matched on the plain text.
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const SUMMARY = /^(ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/;

/** The last `ok | N passed | M failed ...` or `FAILED | ...` line of `output`, or null. */
export function parseDenoSummary(output: string): DenoSummary | null {
  let found: DenoSummary | null = null;
  for (const raw of output.split("\n")) {
    const match = SUMMARY.exec(raw.replace(ANSI, "").trim());
    if (match !== null) {
      found = { ok: match[1] === "ok", passed: Number(match[2]), failed: Number(match[3]) };
    }
  }
  return found;
}

/**
 * The line the CI harness reads. Without a summary (deno stopped before running tests, e.g. a
 * type error) a failed run counts as one failure so it can never read as green.
 */
export function summaryLine(summary: DenoSummary | null, exitCode: number): string {
  if (summary !== null) return `deno: ${summary.passed} passed, ${summary.failed} failed`;
  return `deno: 0 passed, ${exitCode === 0 ? 0 : 1} failed`;
}
