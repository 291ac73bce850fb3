import assert from "node:assert/strict";
import { intOption, numberOption, parseCli, runCli, UsageError } from "./cli.ts";

const options = { limit: { type: "string" }, json: { type: "boolean" } } as const;

Deno.test("parseCli() reads flags and positionals", () => {
  const { values, positionals } = parseCli({
    args: ["list", "--limit", "5", "--json"],
    options,
    allowPositionals: true,
  });
  assert.deepEqual(positionals, ["list"]);
  assert.deepEqual({ ...values }, { limit: "5", json: true });
});

Deno.test("parseCli() turns an unknown flag or a missing value into a UsageError", () => {
  assert.throws(
    () => parseCli({ args: ["--limt", "5"], options }),
    (error) => error instanceof UsageError && error.message === "Unknown option '--limt'",
  );
  assert.throws(
    () => parseCli({ args: ["--limit"], options }),
    (error) =>
      error instanceof UsageError && /--limit <value>' argument missing/.test(error.message),
  );
  assert.throws(
    () => parseCli({ args: ["extra"], options }),
    (error) => error instanceof UsageError && /Unexpected argument 'extra'/.test(error.message),
  );
});

Deno.test("intOption() and numberOption() accept numbers in range and name the bad flag", () => {
  assert.equal(intOption(undefined, "limit", { fallback: 20 }), 20);
  assert.equal(intOption("7", "limit", { fallback: 20 }), 7);
  assert.throws(() => intOption("0", "limit", { fallback: 20 }), {
    name: "UsageError",
    message: '--limit must be an integer of at least 1, got "0"',
  });
  assert.throws(() => intOption("2.5", "limit", { fallback: 20 }), /got "2.5"/);
  assert.throws(() => intOption("", "limit", { fallback: 20 }), /got ""/);
  assert.equal(numberOption("2.5", "duration", { fallback: 10 }), 2.5);
  assert.throws(() => numberOption("soon", "duration", { fallback: 10 }), {
    message: '--duration must be a number of at least 0, got "soon"',
  });
});

Deno.test("runCli() prints the usage for --help and exits 0 without running main", async () => {
  const lines: string[] = [];
  const original = console.log;
  console.log = (line: string) => void lines.push(line);
  try {
    assert.equal(await runCli("Usage: tool", ["list", "--help"], () => 1), 0);
    assert.deepEqual(lines, ["Usage: tool"]);
  } finally {
    console.log = original;
  }
});

Deno.test("runCli() prints a usage error with the usage and exits 2; other errors propagate", async () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (line: string) => void errors.push(line);
  try {
    const code = await runCli("Usage: tool [--limit N]", [], () => {
      throw new UsageError('--limit must be an integer of at least 1, got "x"');
    });
    assert.equal(code, 2);
    assert.deepEqual(errors, [
      'error: --limit must be an integer of at least 1, got "x"\nUsage: tool [--limit N]',
    ]);
    assert.equal(await runCli("usage", ["a"], (args) => args.length - 1), 0);
    await assert.rejects(runCli("usage", [], () => Promise.reject(new Error("boom"))), /boom/);
  } finally {
    console.error = original;
  }
});
