import assert from "node:assert/strict";
import { assertUsageErrors } from "../../shared/testing/cli.ts";
import { parseSourcesArgs } from "./sources.ts";

Deno.test("parseSourcesArgs() reads every documented command", () => {
  assert.deepEqual(parseSourcesArgs(["create", "--name", "web", "--platform", "ios"]), {
    command: "create",
    name: "web",
    platform: "ios",
    kind: "public",
    sourceId: null,
  });
  assert.deepEqual(parseSourcesArgs(["create", "--name=shop", "--id", "src_shop"]), {
    command: "create",
    name: "shop",
    platform: "web",
    kind: "public",
    sourceId: "src_shop",
  });
  assert.deepEqual(parseSourcesArgs(["list"]), { command: "list" });
  assert.deepEqual(parseSourcesArgs(["revoke", "src_1"]), { command: "revoke", sourceId: "src_1" });
  assert.deepEqual(parseSourcesArgs(["create", "--name", "api", "--kind", "server"]), {
    command: "create",
    name: "api",
    platform: "web",
    kind: "server",
    sourceId: null,
  });
  assert.deepEqual(parseSourcesArgs(["ensure-dev"]), {
    command: "ensure-dev",
    kind: "public",
    allowDbHost: null,
    revokedOk: false,
  });
  assert.deepEqual(
    parseSourcesArgs([
      "ensure-dev",
      "--kind=server",
      "--allow-db-host",
      "postgres",
      "--revoked-ok",
    ]),
    { command: "ensure-dev", kind: "server", allowDbHost: "postgres", revokedOk: true },
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
    [
      ["create", "--name", "x", "--kind", "secret"],
      '--kind must be one of public, server, got "secret"',
    ],
    [["revoke", "a", "--kind", "server"], "--kind is an option of create and ensure-dev only"],
    [[], /^Unknown command ""; use create --name N/],
  ]);
});
