import assert from "node:assert/strict";
import { z } from "zod";
import { infraEnv, nonNegativeInt, parseConfig, port } from "./config.ts";
import { EventFlowError } from "./errors.ts";

Deno.test("parseConfig() lists every bad variable at once", () => {
  const schema = z.object({ PORT: port(8080), MODE: z.enum(["a", "b"]) });
  assert.throws(
    () => parseConfig(schema, { PORT: "99999", MODE: "c" }),
    (error: unknown) => {
      assert.ok(error instanceof EventFlowError);
      assert.equal(error.code, "CONFIG_INVALID");
      assert.match(error.message, /PORT has value "99999"/);
      assert.match(error.message, /MODE has value "c"/);
      return true;
    },
  );
});

Deno.test("parseConfig() never prints the value of a secret-looking variable", () => {
  const schema = z.object({ TELEGRAM_BOT_TOKEN: z.string().min(40), PII_SALT: z.string().min(16) });
  assert.throws(
    () => parseConfig(schema, { TELEGRAM_BOT_TOKEN: "12345:abc", PII_SALT: "short" }),
    (error: unknown) => {
      const message = (error as Error).message;
      assert.match(message, /TELEGRAM_BOT_TOKEN has a value \(hidden/);
      assert.match(message, /PII_SALT has a value \(hidden/);
      assert.ok(!message.includes("12345:abc") && !message.includes('short"'));
      return true;
    },
  );
});

Deno.test("parseConfig() applies defaults for unset variables", () => {
  const config = parseConfig(z.object({ PORT: port(8080) }), {});
  assert.equal(config.PORT, 8080);
});

Deno.test("nonNegativeInt() accepts 0 and a number, defaults when unset, refuses -1", () => {
  const schema = z.object({ SHUTDOWN_DELAY_MS: nonNegativeInt(0) });
  assert.deepEqual(
    [{}, { SHUTDOWN_DELAY_MS: "0" }, { SHUTDOWN_DELAY_MS: "5000" }].map((env) =>
      parseConfig(schema, env).SHUTDOWN_DELAY_MS
    ),
    [0, 0, 5000],
  );
  assert.throws(
    () => parseConfig(schema, { SHUTDOWN_DELAY_MS: "-1" }),
    /SHUTDOWN_DELAY_MS has value "-1": Too small: expected number to be >=0/,
  );
});

Deno.test("infraEnv: services bind 127.0.0.1 unless HOST says otherwise", () => {
  const schema = z.object(infraEnv);
  assert.equal(parseConfig(schema, {}).HOST, "127.0.0.1");
  assert.equal(parseConfig(schema, { HOST: "0.0.0.0" }).HOST, "0.0.0.0");
});
