import assert from "node:assert/strict";
import { draft, IPHONE_CHROME_UA } from "../testing/events.ts";
import { deviceStep, parseDevice } from "./device.ts";

Deno.test("parseDevice() reads Chrome on an iPhone as an Apple mobile device", () => {
  assert.deepEqual(parseDevice(IPHONE_CHROME_UA), {
    browser: "Chrome",
    browser_version: "120.0.6099.119",
    os: "iOS",
    os_version: "17.0",
    device_type: "mobile",
    device_vendor: "Apple",
    device_model: "iPhone",
    is_bot: false,
  });
});

Deno.test("parseDevice() marks crawlers as bots and desktops as desktop", () => {
  const bot = parseDevice(
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  );
  assert.deepEqual([bot.is_bot, bot.device_type], [true, "bot"]);
  const desktop = parseDevice(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  );
  assert.deepEqual([desktop.os, desktop.device_type, desktop.is_bot], [
    "Windows",
    "desktop",
    false,
  ]);
});

Deno.test("deviceStep() uses context.userAgent when the raw user agent is missing", () => {
  const event = draft({ user_agent: null, context: { userAgent: IPHONE_CHROME_UA } });
  const { patch } = deviceStep().run(event) as { patch: { device: { device_model: string } } };
  assert.deepEqual(patch.device.device_model, "iPhone");
});

Deno.test("deviceStep() answers a repeated user agent from its memo with an unshared copy", () => {
  const step = deviceStep({ cacheSize: 1 });
  const windows =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
  const run = (ua: string) =>
    (step.run(draft({ user_agent: ua })) as { patch: { device: Record<string, unknown> } }).patch
      .device;
  const first = run(IPHONE_CHROME_UA);
  first.device_model = "tampered";
  assert.deepEqual(run(IPHONE_CHROME_UA), parseDevice(IPHONE_CHROME_UA));
  // Past the memo's size the older string is evicted and parsed again, with the same answer.
  assert.deepEqual(run(windows).os, "Windows");
  assert.deepEqual(run(IPHONE_CHROME_UA).device_model, "iPhone");
});
