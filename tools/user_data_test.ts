import assert from "node:assert/strict";
import { assertUsageErrors } from "../shared/testing/cli.ts";
import { parseUserDataArgs } from "./user_data.ts";

Deno.test("parseUserDataArgs() reads export and forget with their flags", () => {
  assert.deepEqual(parseUserDataArgs(["export", "user_789"]), {
    command: "export",
    userId: "user_789",
  });
  assert.deepEqual(parseUserDataArgs(["export", "user_789", "--out", "u.json"]), {
    command: "export",
    userId: "user_789",
    out: "u.json",
  });
  assert.deepEqual(parseUserDataArgs(["forget", "user_789", "--yes"]), {
    command: "forget",
    userId: "user_789",
  });
});

Deno.test("parseUserDataArgs() refuses a forget without --yes and names every mistake", () => {
  assertUsageErrors(parseUserDataArgs, [
    [[], "Missing command"],
    [["delete", "u1"], 'Unknown command "delete"'],
    [["export"], "export needs a <user_id>"],
    [["forget", "u1"], 'forget deletes every row about "u1" for good; add --yes to go ahead'],
    [["forget", "u1", "--out", "x"], "forget does not take --out"],
    [["export", "u1", "--yes"], "export does not take --yes"],
    [["export", "u1", "u2"], 'Unexpected argument "u2"'],
    [["export", " u1"], /is empty, padded with spaces or holds control characters/],
  ]);
});
