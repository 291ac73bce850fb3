import assert from "node:assert/strict";
import { loadServerConfig } from "./config.ts";

Deno.test("loadServerConfig() takes flags over environment over defaults", () => {
  assert.deepEqual(loadServerConfig([], {}), {
    hostname: "127.0.0.1",
    port: 8123,
    dataDir: ".stack/clickhouse",
  });
  assert.deepEqual(
    loadServerConfig(["--port", "9000", "--data-dir=/tmp/ch"], {
      CLICKHOUSE_HTTP_PORT: "8124",
      CLICKHOUSE_HOSTNAME: "0.0.0.0",
    }),
    { hostname: "0.0.0.0", port: 9000, dataDir: "/tmp/ch" },
  );
});

Deno.test("loadServerConfig() names an unknown flag, a missing value and a bad port", () => {
  assert.throws(() => loadServerConfig(["--prot", "1"], {}), {
    name: "ConfigError",
    message: "Unknown option '--prot': expected --port, --data-dir, --hostname",
  });
  assert.throws(() => loadServerConfig(["--port"], {}), /argument missing: expected --port/);
  assert.throws(() => loadServerConfig([], { CLICKHOUSE_HTTP_PORT: "80000" }), {
    name: "ConfigError",
    message: /port \("80000"\)/,
  });
});
