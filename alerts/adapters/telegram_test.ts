import assert from "node:assert/strict";
import {
  bigPurchase,
  closedPort,
  enrichedEvent,
  instantClock,
  standIn,
} from "../testing/fixtures.ts";
import { createTelegramDestination, telegramRetryAfter } from "./telegram.ts";

const TOKEN = "123456:ABC-test_token";

Deno.test("telegram calls sendMessage of the Bot API with the chat and the human text", async () => {
  await using api = standIn(() => Response.json({ ok: true, result: { message_id: 1 } }));
  const event = enrichedEvent();
  const telegram = createTelegramDestination("default", {
    apiUrl: `${api.url}/`,
    token: TOKEN,
    chatId: "-1001234567890",
  });
  const result = await telegram.send({ rule: bigPurchase(), event });
  assert.deepEqual(result, { ok: true, attempts: 1, status: 200 });
  assert.equal(api.received[0]!.path, `/bot${TOKEN}/sendMessage`);
  assert.deepEqual(JSON.parse(api.received[0]!.body), {
    chat_id: "-1001234567890",
    text: "💰 Purchase $1,249.00 by user_789 (premium, Moscow) — order 789",
    disable_web_page_preview: true,
  });
  assert.equal(telegram.id, "telegram:default");
});

Deno.test("telegram waits parameters.retry_after of a 429 before retrying", async () => {
  await using api = standIn((_, i) =>
    i === 0
      ? Response.json({
        ok: false,
        error_code: 429,
        description: "Too Many Requests: retry after 3",
        parameters: { retry_after: 3 },
      }, { status: 429 })
      : Response.json({ ok: true })
  );
  const { clock, delays } = instantClock();
  const telegram = createTelegramDestination("default", {
    apiUrl: api.url,
    token: TOKEN,
    chatId: "42",
    delivery: { clock },
  });
  assert.equal((await telegram.send({ rule: bigPurchase(), event: enrichedEvent() })).ok, true);
  assert.deepEqual(delays, [3000]);
  assert.equal(api.received.length, 2);
});

Deno.test("telegram reports 'chat not found' as rejected without retrying or leaking the token", async () => {
  await using api = standIn(() =>
    Response.json({ ok: false, error_code: 400, description: `Bad Request: chat not found` }, {
      status: 400,
    })
  );
  const telegram = createTelegramDestination("ops", { apiUrl: api.url, token: TOKEN, chatId: "1" });
  const result = await telegram.send({ rule: bigPurchase(), event: enrichedEvent() });
  assert.deepEqual(result, {
    ok: false,
    reason: "DELIVERY_REJECTED",
    error:
      'answered 400: {"ok":false,"error_code":400,"description":"Bad Request: chat not found"}',
    attempts: 1,
  });
  assert.equal(api.received.length, 1);

  const { clock } = instantClock();
  const down = createTelegramDestination("ops", {
    apiUrl: `http://127.0.0.1:${closedPort()}`,
    token: TOKEN,
    chatId: "1",
    delivery: { clock, attempts: 2 },
  });
  const failed = await down.send({ rule: bigPurchase(), event: enrichedEvent() });
  assert.equal(failed.ok, false);
  assert.ok(!failed.ok);
  assert.match(
    failed.error,
    /^gave up after 2 attempts, last network error: .*bot<token>\/sendMessage/,
  );
  assert.ok(!failed.error.includes(TOKEN), failed.error);
});

Deno.test("telegramRetryAfter() reads the seconds from an error body", () => {
  assert.equal(telegramRetryAfter('{"ok":false,"parameters":{"retry_after":12}}'), "12");
  assert.equal(telegramRetryAfter('{"ok":false}'), null);
  assert.equal(telegramRetryAfter("<html>"), null);
});
