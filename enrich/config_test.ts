import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";

Deno.test("loadConfig() applies defaults", () => {
  const config = loadConfig({});
  assert.deepEqual([config.PORT, config.CONSUMER_GROUP, config.IP_POLICY, config.TOPIC_RAW], [
    8081,
    "enrich",
    "truncate",
    "raw_events",
  ]);
  assert.deepEqual(config.PSEUDONYMIZE_FIELDS, []);
});

Deno.test("loadConfig() lists every bad variable, including a missing salt", () => {
  let message = "";
  try {
    loadConfig({ IP_POLICY: "blur", PORT: "x", PSEUDONYMIZE_FIELDS: "email,phone" });
  } catch (error) {
    message = (error as Error).message;
  }
  assert.deepEqual(message.includes('IP_POLICY has value "blur"'), true);
  assert.deepEqual(message.includes('PORT has value "x"'), true);
});

Deno.test("loadConfig() requires PII_SALT when fields are pseudonymized", () => {
  let message = "";
  try {
    loadConfig({ PSEUDONYMIZE_FIELDS: "email,phone" });
  } catch (error) {
    message = (error as Error).message;
  }
  assert.deepEqual(
    message.includes(
      "PII_SALT is not set: must be set (16+ characters) when PSEUDONYMIZE_FIELDS is set",
    ),
    true,
  );
});
