/**
 * End to end: the real `admin/main.ts` process on a random port over the test stores, driven by
 * Debian's Chromium through playwright-core: overview → an order → its customer.
 */
import assert from "node:assert/strict";
import { launchChromium } from "../shared/testing/chromium.ts";
import { openTestStores, TEST_TARGETS } from "./testing/stores.ts";
import { randomPrefix, removeWorld, seedWorld } from "./testing/seed.ts";
import { spawnChild, waitListeningPort } from "../shared/process/mod.ts";

const DENO = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const MAIN = new URL("./main.ts", import.meta.url).pathname;

/** Starts main.ts on port 0 and resolves with its port once it logs "Listening". */
async function startAdmin() {
  const child = spawnChild(DENO, {
    name: "admin",
    args: ["run", "-A", MAIN],
    env: {
      PORT: "0",
      DATABASE_URL: TEST_TARGETS.databaseUrl,
      CLICKHOUSE_URL: TEST_TARGETS.clickhouseUrl,
      CLICKHOUSE_DATABASE: TEST_TARGETS.clickhouseDatabase,
    },
    stderrOnly: true,
  });
  try {
    return { child, port: await waitListeningPort(child) };
  } catch (error) {
    await child.kill();
    throw error;
  }
}

Deno.test("staff open the overview, an order and its customer in a real browser", async () => {
  await using stores = await openTestStores();
  const world = await seedWorld(stores, randomPrefix(), { now: new Date(), clickhouse: false });
  const { child, port } = await startAdmin();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const base = `http://127.0.0.1:${port}`;
    await page.goto(`${base}/?period=today`);
    assert.equal(await page.locator("h1").innerText(), "Overview");
    assert.match(
      await page.locator(".grid.kpis").innerText(),
      /ORDERS[^]*REVENUE[^]*AVG ORDER VALUE[^]*SIGNUPS/,
    );
    assert.match(
      await page.locator("footer").innerText(),
      /IP geolocation by DB-IP \(https:\/\/db-ip.com\), CC BY 4.0/,
    );
    await page.screenshot({ path: "/tmp/admin_overview.png", fullPage: true });

    await page.getByRole("link", { name: "Orders", exact: true }).click();
    await page.fill('input[name="q"]', world.ids.orderBig);
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("link", { name: world.ids.orderBig }).click();
    assert.equal(await page.locator("h1").innerText(), `Order ${world.ids.orderBig}`);
    const items = await page.locator("#order-items tbody").innerText();
    assert.match(items, /Pixel Phone[^]*80.00 USD[^]*Leather Case[^]*20.00 USD/);
    assert.match(await page.locator("#order-items tfoot").innerText(), /100.00 USD/);
    await page.screenshot({ path: "/tmp/admin_order.png", fullPage: true });

    await page.locator("#order-facts").getByRole("link", { name: world.ids.alice }).click();
    // The trait is shown literally: escaped, never executed.
    assert.equal(await page.locator("h1").innerText(), "Alice <script>alert(1)</script>");
    assert.match(
      await page.locator("#user-orders").innerText(),
      new RegExp(`${world.ids.orderBig}[^]*paid`),
    );
    assert.match(await page.locator(".grid.kpis").innerText(), /LIFETIME REVENUE\s+120.00 USD/);
    await page.screenshot({ path: "/tmp/admin_customer.png", fullPage: true });
  } finally {
    await browser.close();
    const status = await child.stop();
    await removeWorld(stores, world);
    assert.equal(status.code, 0, "admin shuts down cleanly on SIGTERM");
  }
});
