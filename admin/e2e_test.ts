/**
 * End to end: the real `admin/main.ts` process on a random port over the test stores, driven by
 * Debian's Chromium through playwright-core: overview → an order → its customer.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { openTestStores, TEST_TARGETS } from "./testing/stores.ts";
import { randomPrefix, removeWorld, seedWorld } from "./testing/seed.ts";
import { removeStaff, TEST_COST } from "./testing/session.ts";
import { createAccount } from "./access/accounts.ts";

const DENO = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
const MAIN = new URL("./main.ts", import.meta.url).pathname;

/** Starts main.ts on port 0 and resolves with its port once it logs "Listening". */
async function startAdmin() {
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", MAIN],
    env: {
      PORT: "0",
      DATABASE_URL: TEST_TARGETS.databaseUrl,
      CLICKHOUSE_URL: TEST_TARGETS.clickhouseUrl,
      CLICKHOUSE_DATABASE: TEST_TARGETS.clickhouseDatabase,
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  while (true) {
    const { value, done } = await lines.read();
    if (done) throw new Error(`admin exited before listening:\n${buffer}`);
    buffer += value;
    const match = /"message":"Listening","port":(\d+)/.exec(buffer);
    if (match) {
      // Keep draining stderr so the child never blocks on a full pipe.
      (async () => {
        while (!(await lines.read()).done);
      })();
      return { child, port: Number(match[1]) };
    }
  }
}

Deno.test("staff open the overview, an order and its customer in a real browser", async () => {
  await using stores = await openTestStores();
  const world = await seedWorld(stores, randomPrefix(), { now: new Date(), clickhouse: false });
  const account = await createAccount(stores.pg, {
    username: `${world.prefix}analyst`,
    role: "analyst",
  }, { actor: "test", cost: TEST_COST });
  const { child, port } = await startAdmin();
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
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
    child.kill("SIGTERM");
    const status = await child.status;
    await removeWorld(stores, world);
    await removeStaff(stores.pg, world.prefix);
    assert.equal(status.code, 0, "admin shuts down cleanly on SIGTERM");
  }
});
