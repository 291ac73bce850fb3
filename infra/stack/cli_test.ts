import assert from "node:assert/strict";
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
  const cases: [string[], string | RegExp][] = [
    [[], "Missing command"],
    [["start"], 'Unknown command "start"'],
    [
      ["status", "zookeeper"],
      'Unknown component "zookeeper"; expected one of kafka, clickhouse, postgres, redis, prometheus',
    ],
    [["up", "--force"], /Unknown option '--force'/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseStackArgs(args), (error: Error) => {
      assert.equal(error.name, "UsageError", args.join(" "));
      if (typeof message === "string") assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    });
  }
});
