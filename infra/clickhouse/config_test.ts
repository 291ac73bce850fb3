import assert from "node:assert/strict";
import { ConfigError, loadServerConfig, readUsersFile } from "./config.ts";

Deno.test("loadServerConfig() needs a users file and applies the default limits", () => {
  assert.throws(
    () => loadServerConfig([], {}),
    (e) => e instanceof ConfigError && /usersFile/.test(e.message),
  );
  const c = loadServerConfig(["--users-file", "u.json"], {
    CLICKHOUSE_ALLOWED_HOSTS: "A.example, b",
  });
  assert.deepEqual(
    [c.maxExecutionTime, c.maxMemoryUsage, c.maxQueued, c.allowedHosts],
    [60, 2 * 1024 ** 3, 64, ["a.example", "b"]],
  );
  assert.equal(
    loadServerConfig(["--users-file=u", "--max-execution-time", "5"], {}).maxExecutionTime,
    5,
  );
});

Deno.test("readUsersFile() hashes passwords and refuses empty passwords or no users", async () => {
  const users = await readUsersFile(
    JSON.stringify({ users: { w: { password: "p" }, r: { password: "q", readonly: 2 } } }),
    "u.json",
  );
  assert.deepEqual(users.map((u) => [u.name, u.readonly, u.passwordSha256.length]), [["w", 0, 64], [
    "r",
    2,
    64,
  ]]);
  assert.ok(!JSON.stringify(users).includes('"p"'), "the plain password is not kept");
  for (const bad of [{ users: {} }, { users: { w: { password: "" } } }, { users: { w: {} } }]) {
    await assert.rejects(readUsersFile(JSON.stringify(bad), "u.json"), ConfigError);
  }
});
