/**
 * Every console page in a real browser, in English and Russian: signed in as an admin, each
 * page is screenshotted to `.stack/artifacts/admin/` and checked with axe-core (no serious or
 * critical violations). Also in the browser: filtering and exporting purchases and signups
 * (the downloaded CSV is read), a viewer refused an admin page and action, a form without its
 * CSRF token refused.
 */
import assert from "node:assert/strict";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { openTestStores } from "./testing/stores.ts";
import { randomPrefix, removeWorld, seedWorld } from "./testing/seed.ts";
import { removeStaff, TEST_COST } from "./testing/session.ts";
import { launchChromium, startAdmin } from "./testing/browser.ts";
import { createAccount } from "./access/accounts.ts";

const ARTIFACTS = new URL("../.stack/artifacts/admin/", import.meta.url).pathname;

async function signIn(page: Page, base: string, username: string, password: string) {
  await page.goto(`${base}/signin`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form[action="/signin"] button[type="submit"]').click();
  await page.waitForURL(`${base}/`);
}

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

Deno.test("every page renders in both languages, accessible, with screenshots", async () => {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  await using stores = await openTestStores();
  const world = await seedWorld(stores, randomPrefix(), { now: new Date(), clickhouse: false });
  const { prefix, ids } = world;
  const admin = await createAccount(stores.pg, { username: `${prefix}admin`, role: "admin" }, {
    actor: "test",
    cost: TEST_COST,
  });
  const viewer = await createAccount(stores.pg, { username: `${prefix}viewer`, role: "viewer" }, {
    actor: "test",
    cost: TEST_COST,
  });
  // The shared ClickHouse stand-in can be slow under the whole suite; a 503 is not what we test.
  const rateCode = `XX${String.fromCharCode(65 + Math.floor(Math.random() * 26))}`;
  const { child, port } = await startAdmin({ ADMIN_QUERY_TIMEOUT_MS: "30000" });
  const browser = await launchChromium();
  const base = `http://127.0.0.1:${port}`;
  try {
    const context = await browser.newContext({
      viewport: { width: 1360, height: 900 },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(`${base}/signin`);
    assert.deepEqual(await seriousViolations(page), [], "sign-in page");
    await page.screenshot({ path: `${ARTIFACTS}signin.png` });
    await signIn(page, base, admin.username, admin.password);

    const pages: [string, string][] = [
      ["overview", "/?period=today"],
      ["purchases", `/orders?q=${prefix}`],
      ["order", `/orders/${ids.orderBig}`],
      ["signups", "/signups?period=today"],
      ["customers", `/users?q=${prefix}`],
      ["customer", `/users/${ids.alice}`],
      ["products", "/products"],
      ["campaigns", "/campaigns"],
      ["events", "/events"],
      ["monitoring", "/monitoring"],
      ["data_campaigns", "/data/campaigns"],
      ["data_products", `/data/products?q=${prefix}`],
      ["data_rates", "/data/rates"],
      ["staff", "/staff"],
      ["audit", "/audit"],
    ];
    for (const lang of ["en", "ru"] as const) {
      await page.goto(`${base}/lang?lang=${lang}&back=/`);
      for (const [name, path] of pages) {
        const response = await page.goto(`${base}${path}`);
        assert.equal(response?.status(), 200, `${lang} ${path}`);
        assert.equal(await page.locator("html").getAttribute("lang"), lang);
        assert.deepEqual(await seriousViolations(page), [], `${lang} ${path}`);
        await page.screenshot({ path: `${ARTIFACTS}${name}_${lang}.png`, fullPage: true });
      }
    }
    // Russian is remembered: the sidebar and headings stay Russian on the next visit.
    await page.goto(`${base}/orders?q=${prefix}`);
    assert.equal(await page.locator("h1").innerText(), "Покупки");
    assert.match(await page.locator(".pager").innerText(), /Показаны 1–4 из 4/);
    assert.match(await page.locator("#orders").innerText(), /100,00\s\$/);
    assert.match(await page.locator("nav").innerText(), /Регистрации/);

    // Filter purchases to one city and export exactly that list.
    await page.goto(`${base}/lang?lang=en&back=/orders`);
    await page.locator('input[name="q"]').fill(prefix);
    await page.locator('select[name="city"]').selectOption("Paris");
    await page.getByRole("button", { name: "Filter" }).click();
    assert.deepEqual(
      await page.locator("#orders tbody tr td:first-child").allInnerTexts(),
      [ids.orderSmall],
    );
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#export").click(),
    ]);
    const csv = await Deno.readTextFile((await download.path())!);
    const lines = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^Order,Placed,Customer,Status/);
    assert.match(lines[1]!, new RegExp(`^${ids.orderSmall},[^,]+,${ids.bob},paid,5,50,USD,50,`));
    assert.match(lines[1]!, /,Paris,FR$/);

    // Signups of today on the web, exported.
    await page.goto(`${base}/signups?period=today&platform=web`);
    assert.match(await page.locator("#signups").innerText(), new RegExp(ids.alice));
    const [signups] = await Promise.all([
      page.waitForEvent("download"),
      page.locator("#export").click(),
    ]);
    const signupCsv = await Deno.readTextFile((await signups.path())!);
    assert.match(signupCsv, new RegExp(`,${ids.alice},${prefix}alice@example.com,`));

    // A form as served carries its CSRF token and saves; a tampered token is refused.
    await page.goto(`${base}/data/rates`);
    await page.locator('#rate-form input[name="currency"]').fill(rateCode);
    await page.locator('#rate-form input[name="rate_to_base"]').fill("0.5");
    await page.locator("#rate-form button[type=submit]").click();
    assert.match(await page.locator(".flash").innerText(), new RegExp(`Saved ${rateCode}`));
    await page.goto(`${base}/data/rates`);
    await page.locator('#rate-form input[name="_csrf"]').evaluate((el) => {
      (el as unknown as { value: string }).value = "forged";
    });
    await page.locator('#rate-form input[name="currency"]').fill("XQQ");
    await page.locator('#rate-form input[name="rate_to_base"]').fill("2");
    const [refused] = await Promise.all([
      page.waitForResponse((r) =>
        r.url().endsWith("/data/rates") && r.request().method() === "POST"
      ),
      page.locator("#rate-form button[type=submit]").click(),
    ]);
    assert.equal(refused.status(), 403);
    assert.equal((await stores.pg`SELECT 1 FROM currency_rates WHERE currency = 'XQQ'`).length, 0);

    // A viewer sees no admin pages and is refused when trying one.
    const viewerContext = await browser.newContext();
    const viewerPage = await viewerContext.newPage();
    await signIn(viewerPage, base, viewer.username, viewer.password);
    assert.doesNotMatch(await viewerPage.locator("nav").innerText(), /Console users|Data/);
    const denied = await viewerPage.goto(`${base}/staff`);
    assert.equal(denied?.status(), 403);
    assert.match(
      await viewerPage.locator("[data-error-message]").innerText(),
      /needs the admin role/,
    );
    await viewerPage.screenshot({ path: `${ARTIFACTS}refused_viewer.png` });
  } finally {
    await browser.close();
    await child.stop();
    await removeWorld(stores, world);
    await stores.pg`DELETE FROM currency_rates WHERE currency = ${rateCode}`;
    await removeStaff(stores.pg, prefix);
  }
});
