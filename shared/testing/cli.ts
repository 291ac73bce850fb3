/** Test helper for command-line parsers built on shared/cli.ts. */
import assert from "node:assert/strict";

/** One bad command line and the message (exact text, or a pattern) its UsageError must carry. */
export type UsageCase = [args: string[], message: string | RegExp];

/** Asserts that `parse` throws a UsageError with the expected message for every case. */
export function assertUsageErrors(parse: (args: string[]) => unknown, cases: UsageCase[]): void {
  for (const [args, message] of cases) {
    assert.throws(() => parse(args), (error: Error) => {
      assert.equal(error.name, "UsageError", `for "${args.join(" ")}"`);
      if (typeof message === "string") assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    });
  }
}
