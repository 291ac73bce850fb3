/**
 * End to end: the real `admin/main.ts` process on a random port over the test stores, driven by
 * Debian's Chromium through playwright-core: overview → an order → its customer.
 */
import assert from "node:assert/strict";
import { openTestStores } from "./testing/stores.ts";
import { launchChromium, startAdmin } from "./testing/browser.ts";
import { randomPrefix, removeWorld, seedWorld } from "./testing/seed.ts";
import { removeStaff, TEST_COST } from "./testing/session.ts";
import { createAccount } from "./access/accounts.ts";

Deno.test("staff open the overview, an order and its customer in a real browser", async () => {
  await using stores = await openTestStores();
  const world = await seedWorld(stores, randomPrefix(), { now: new Date(), clickhouse: false });
  const account = await createAccount(stores.pg, {
    username: `${world.prefix}analyst`,
    role: "analyst",
  }, { actor: "test", cost: TEST_COST });
  const { child, port } = await startAdmin();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const base = `http://127.0.0.1:${port}`;
    await page.goto(`${base}/?period=today`);
    // No session yet: the console sends us to sign in, then back to where we were going.
    assert.equal(new URL(page.url()).pathname, "/signin");
    await page.getByLabel("Username").fill(account.username);
    await page.getByLabel("Password").fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/?period=today`);
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

    await page.getByRole("link", { name: "Purchases", exact: true }).click();
    await page.fill('input[name="q"]', world.ids.orderBig);
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByRole("link", { name: world.ids.orderBig }).click();
    assert.equal(await page.locator("h1").innerText(), `Order ${world.ids.orderBig}`);
    const items = await page.locator("#order-items tbody").innerText();
    assert.match(items, /Pixel Phone[^]*\$80.00[^]*Leather Case[^]*\$20.00/);
    assert.match(await page.locator("#order-items tfoot").innerText(), /\$100.00/);
    await page.screenshot({ path: "/tmp/admin_order.png", fullPage: true });

    await page.locator("#order-facts").getByRole("link", { name: world.ids.alice }).click();
    // The trait is shown literally: escaped, never executed.
    assert.equal(await page.locator("h1").innerText(), "Alice <script>alert(1)</script>");
    assert.match(
      await page.locator("#user-orders").innerText(),
      new RegExp(`${world.ids.orderBig}[^]*paid`),
    );
    assert.match(await page.locator(".grid.kpis").innerText(), /LIFETIME REVENUE\s+\$120.00/);
    await page.screenshot({ path: "/tmp/admin_customer.png", fullPage: true });
  } finally {
    await browser.close();
    const status = await child.stop();
    await removeWorld(stores, world);
    await removeStaff(stores.pg, world.prefix);
    assert.equal(status.code, 0, "admin shuts down cleanly on SIGTERM");
  }
});
