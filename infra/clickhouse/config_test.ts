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

Deno.test("loadServerConfig() takes flags over environment over defaults", () => {
  const base = loadServerConfig(["--users-file", "u.json"], {});
  assert.deepEqual([base.hostname, base.port, base.dataDir], [
    "127.0.0.1",
    8123,
    ".stack/clickhouse",
  ]);
  const c = loadServerConfig(["--port", "9000", "--data-dir=/tmp/ch", "--users-file", "u.json"], {
    CLICKHOUSE_HTTP_PORT: "8124",
    CLICKHOUSE_HOSTNAME: "0.0.0.0",
  });
  assert.deepEqual([c.hostname, c.port, c.dataDir], ["0.0.0.0", 9000, "/tmp/ch"]);
});

Deno.test("loadServerConfig() names an unknown flag, a missing value and a bad port", () => {
  assert.throws(() => loadServerConfig(["--prot", "1"], {}), {
    name: "ConfigError",
    message: /^Unknown option '--prot': expected --port, --data-dir, --hostname, --users-file/,
  });
  assert.throws(() => loadServerConfig(["--port"], {}), /argument missing: expected --port/);
  assert.throws(
    () => loadServerConfig(["--users-file", "u"], { CLICKHOUSE_HTTP_PORT: "80000" }),
    { name: "ConfigError", message: /port \("80000"\)/ },
  );
});
