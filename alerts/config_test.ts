import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";

Deno.test("loadConfig() gives the documented defaults", () => {
  const config = loadConfig({});
  assert.equal(config.PORT, 8083);
  assert.equal(config.CONSUMER_GROUP, "alerts");
  assert.equal(config.TOPIC_ENRICHED, "enriched_events");
  assert.equal(config.ALERT_RULES_FILE, "alerts/rules.json");
  assert.equal(config.TELEGRAM_API_URL, "https://api.telegram.org");
  assert.equal(config.IDEMPOTENCY_TTL_SECONDS, 35 * 86_400);
  assert.equal(config.DEAD_LETTER_RETENTION_SECONDS, 30 * 86_400);
  assert.equal(config.LEDGER_TIMEOUT_MS, 2000);
  assert.equal(config.DELIVERY_ATTEMPTS, 5);
  assert.equal(config.FROM_BEGINNING, false);
  assert.equal(config.ALERT_WEBHOOKS, undefined);
});

Deno.test("loadConfig() reads webhooks and Telegram chats from JSON", () => {
  const config = loadConfig({
    ALERT_WEBHOOKS: '{"crm":{"url":"https://crm.example.com/hook","secret":"0123456789abcdef"}}',
    TELEGRAM_BOT_TOKEN: "123456:ABC-def",
    TELEGRAM_CHAT_ID: "-100123",
    TELEGRAM_CHATS: '{"sales":"-100456"}',
  });
  assert.deepEqual(config.ALERT_WEBHOOKS, {
    crm: { url: "https://crm.example.com/hook", secret: "0123456789abcdef" },
  });
  assert.deepEqual(config.TELEGRAM_CHATS, { sales: "-100456" });
});

Deno.test("loadConfig() lists every bad variable with the failing path", () => {
  assert.throws(
    () =>
      loadConfig({
        ALERT_WEBHOOKS: '{"CRM":{"url":"ftp://x","secret":"short"}}',
        TELEGRAM_BOT_TOKEN: "nope",
        DELIVERY_ATTEMPTS: "0",
      }),
    (error: Error) => {
      assert.match(error.message, /ALERT_WEBHOOKS .*CRM\.url: must be an http\(s\) URL/);
      assert.match(error.message, /ALERT_WEBHOOKS .*CRM\.secret: must be at least 16 characters/);
      assert.match(error.message, /ALERT_WEBHOOKS .*CRM: name "CRM" must be 1-64 of lowercase/);
      assert.match(
        error.message,
        /TELEGRAM_BOT_TOKEN has a value \(hidden: it may be a secret\): must look like/,
      );
      assert.ok(!error.message.includes("nope"), "the token value must not be printed");
      assert.match(error.message, /DELIVERY_ATTEMPTS has value "0"/);
      return true;
    },
  );
  assert.throws(() => loadConfig({ ALERT_WEBHOOKS: "{" }), /ALERT_WEBHOOKS .*is not JSON/);
  assert.throws(
    () => loadConfig({ TELEGRAM_BOT_TOKEN: "123456:ABC-def" }),
    /TELEGRAM_CHAT_ID is not set: TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID must be set together/,
  );
});

Deno.test("loadConfig() refuses to forget deliveries before their dead letters expire (#13, 13)", () => {
  assert.throws(
    () => loadConfig({ IDEMPOTENCY_TTL_SECONDS: String(7 * 86_400) }),
    /IDEMPOTENCY_TTL_SECONDS.*must be at least DEAD_LETTER_RETENTION_SECONDS/,
  );
  const longer = loadConfig({
    IDEMPOTENCY_TTL_SECONDS: String(90 * 86_400),
    DEAD_LETTER_RETENTION_SECONDS: String(60 * 86_400),
  });
  assert.equal(longer.IDEMPOTENCY_TTL_SECONDS, 90 * 86_400);
});
