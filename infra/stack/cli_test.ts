import assert from "node:assert/strict";
import { assertUsageErrors } from "../../shared/testing/cli.ts";
import { COMPONENT_NAMES } from "./component.ts";
import { parseStackArgs } from "./cli.ts";

Deno.test("parseStackArgs() reads the command and the components (default: all)", () => {
  assert.deepEqual(parseStackArgs(["up"]), { command: "up", names: [...COMPONENT_NAMES] });
  assert.deepEqual(parseStackArgs(["down", "kafka", "redis"]), {
    command: "down",
    names: ["kafka", "redis"],
  });
  assert.deepEqual(parseStackArgs(["up", "--detach", "postgres"]), {
    command: "up",
    names: ["postgres"],
  });
});

Deno.test("parseStackArgs() names the mistake in a UsageError", () => {
  assertUsageErrors(parseStackArgs, [
    [[], "Missing command"],
    [["start"], 'Unknown command "start"'],
    [
      ["status", "zookeeper"],
      'Unknown component "zookeeper"; expected one of kafka, clickhouse, postgres, redis, prometheus',
    ],
    [["up", "--force"], /Unknown option '--force'/],
  ]);
});
