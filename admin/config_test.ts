import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";

Deno.test("loadConfig() defaults to port 8000 without auth", () => {
  const config = loadConfig({});
  assert.equal(config.PORT, 8000);
  assert.equal(config.ADMIN_USER, undefined);
  assert.equal(config.CLICKHOUSE_DATABASE, "eventflow");
  assert.equal(config.HOST, "127.0.0.1", "this machine only unless HOST is set");
});

Deno.test("loadConfig() refuses half-configured basic auth and lists every bad variable", () => {
  assert.throws(
    () => loadConfig({ ADMIN_USER: "staff", PORT: "99999" }),
    (e: unknown) =>
      e instanceof Error && /PORT has value "99999"/.test(e.message) &&
      /ADMIN_PASSWORD is not set: set both ADMIN_USER and ADMIN_PASSWORD/.test(e.message),
  );
});
