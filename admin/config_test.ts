import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";

Deno.test("loadConfig() defaults to 127.0.0.1:8000, 30-minute idle sessions, English in UTC", () => {
  const config = loadConfig({});
  assert.equal(config.PORT, 8000);
  assert.equal(config.HOST, "127.0.0.1");
  assert.equal(config.ADMIN_SESSION_IDLE_MINUTES, 30);
  assert.equal(config.ADMIN_SECURE_COOKIES, "auto");
  assert.equal(config.ADMIN_LOCALE, "en");
  assert.equal(config.ADMIN_TIMEZONE, "UTC");
  assert.equal(config.CLICKHOUSE_DATABASE, "eventflow");
  assert.equal(config.QUERY_URL, undefined);
});

Deno.test("loadConfig() refuses the removed basic-auth variables and lists every bad variable", () => {
  assert.throws(
    () =>
      loadConfig({
        ADMIN_USER: "staff",
        PORT: "99999",
        ADMIN_TIMEZONE: "Mars/Base",
        QUERY_URL: "not a url",
      }),
    (e: unknown) =>
      e instanceof Error && /PORT has value "99999"/.test(e.message) &&
      /ADMIN_USER has value "staff": shared basic auth was removed/.test(e.message) &&
      /ADMIN_TIMEZONE has value "Mars\/Base": must be an IANA time zone/.test(e.message) &&
      /QUERY_URL/.test(e.message),
  );
});

Deno.test("loadConfig() takes empty basic-auth variables (compose's unset defaults) as unset", () => {
  const config = loadConfig({ ADMIN_USER: "", ADMIN_PASSWORD: "", QUERY_URL: "http://q:8084/" });
  assert.equal(config.ADMIN_USER, undefined);
  assert.equal(config.QUERY_URL, "http://q:8084");
});
