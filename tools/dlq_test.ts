import assert from "node:assert/strict";
import { assertUsageErrors } from "../shared/testing/cli.ts";
import { spawnChild } from "../shared/process/mod.ts";
import { parseDlqArgs } from "./dlq.ts";

Deno.test("parseDlqArgs() reads list, show and replay with their documented flags", () => {
  assert.deepEqual(parseDlqArgs(["list"]), {
    command: "list",
    limit: 50,
    filter: { reason: undefined, stage: undefined },
    topic: undefined,
  });
  assert.deepEqual(parseDlqArgs(["list", "--limit", "20", "--stage", "enrich"]), {
    command: "list",
    limit: 20,
    filter: { reason: undefined, stage: "enrich" },
    topic: undefined,
  });
  assert.deepEqual(parseDlqArgs(["show", "2:41", "--topic", "test_dlq"]), {
    command: "show",
    position: { partition: 2, offset: "41" },
    topic: "test_dlq",
  });
  assert.deepEqual(parseDlqArgs(["replay", "--reason", "SCHEMA_MISMATCH"]), {
    command: "replay",
    filter: { reason: "SCHEMA_MISMATCH", stage: undefined },
    topic: undefined,
  });
});

Deno.test("parseDlqArgs() names the mistake in a UsageError", () => {
  assertUsageErrors(parseDlqArgs, [
    [[], "Missing command"],
    [["purge"], 'Unknown command "purge"'],
    [["list", "--limit", "0"], '--limit must be an integer of at least 1, got "0"'],
    [["list", "--limti", "5"], /Unknown option '--limti'/],
    [["show"], 'show needs <partition>:<offset>, got ""'],
    [["show", "12"], 'show needs <partition>:<offset>, got "12"'],
    [["show", "1:2", "--reason", "X"], "show does not take --reason"],
    [["replay", "--limit", "3"], "replay does not take --limit"],
    [["list", "extra"], 'Unexpected argument "extra"'],
  ]);
});

Deno.test("tools/dlq.ts exits 2 with the usage on a bad command line", async () => {
  const child = spawnChild(Deno.execPath(), {
    args: ["run", "-A", new URL("./dlq.ts", import.meta.url).pathname, "show", "nope"],
    stderrOnly: true,
  });
  assert.equal((await child.exited).code, 2);
  const stderr = child.output();
  assert.match(
    stderr,
    /^error: show needs <partition>:<offset>, got "nope"\nUsage: deno run -A tools\/dlq.ts/,
  );
});
