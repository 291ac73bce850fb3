import assert from "node:assert/strict";
import { assertUsageErrors } from "../../shared/testing/cli.ts";
import { parseSourcesArgs } from "./sources.ts";

Deno.test("parseSourcesArgs() reads every documented command", () => {
  assert.deepEqual(parseSourcesArgs(["create", "--name", "web", "--platform", "ios"]), {
    command: "create",
    name: "web",
    platform: "ios",
    sourceId: null,
  });
  assert.deepEqual(parseSourcesArgs(["create", "--name=shop", "--id", "src_shop"]), {
    command: "create",
    name: "shop",
    platform: "web",
    sourceId: "src_shop",
  });
  assert.deepEqual(parseSourcesArgs(["list"]), { command: "list" });
  assert.deepEqual(parseSourcesArgs(["revoke", "src_1"]), { command: "revoke", sourceId: "src_1" });
  assert.deepEqual(parseSourcesArgs(["ensure-dev"]), {
    command: "ensure-dev",
    allowDbHost: null,
    revokedOk: false,
  });
  assert.deepEqual(
    parseSourcesArgs(["ensure-dev", "--allow-db-host", "postgres", "--revoked-ok"]),
    { command: "ensure-dev", allowDbHost: "postgres", revokedOk: true },
  );
});

Deno.test("parseSourcesArgs() names each mistake in a UsageError", () => {
  assertUsageErrors(parseSourcesArgs, [
    [["create"], "Missing --name, e.g. create --name web --platform web"],
    [
      ["create", "--name", "x", "--platform", "tv"],
      '--platform must be one of web, ios, android, backend, server, other, got "tv"',
    ],
    [["create", "--name"], /Option '--name <value>' argument missing/],
    [["revoke"], "Missing source id: revoke <source_id>"],
    [["revoke", "a", "b"], 'Unexpected argument "b"'],
    [["list", "--name", "x"], "--name is an option of create only"],
    [["create", "--name", "x", "--revoked-ok"], "--revoked-ok is an option of ensure-dev only"],
    [["list", "--all"], /Unknown option '--all'/],
    [[], /^Unknown command ""; use create --name N/],
  ]);
});
