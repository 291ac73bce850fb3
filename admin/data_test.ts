/**
 * The Data pages in-process against the real PostgreSQL: an admin saves a campaign, a product
 * and an exchange rate through the forms (validated, audited), a viewer is refused.
 */
import assert from "node:assert/strict";
import { createApp } from "./app.tsx";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { openTestStores } from "./testing/stores.ts";
import { randomPrefix } from "./testing/seed.ts";
import { removeStaff, signedIn, TEST_COST } from "./testing/session.ts";

Deno.test("Data pages: admins edit campaigns, catalogue and rates; viewers cannot", async () => {
  await using stores = await openTestStores();
  const prefix = randomPrefix();
  // A currency code no real data uses: X + two random letters.
  const code = `X${String.fromCharCode(65 + Math.floor(Math.random() * 26))}${
    String.fromCharCode(65 + Math.floor(Math.random() * 26))
  }`;
  const app = createApp({
    stores,
    registry: createRegistry("admin", { processMetrics: false }),
    logger: createLogger("admin", { write: () => {} }),
    passwordCost: TEST_COST,
    defaultTimeZone: "Europe/Moscow",
  });
  try {
    const admin = await signedIn(app, stores.pg, { prefix, role: "admin" });
    const viewer = await signedIn(app, stores.pg, { prefix, role: "viewer" });

    const saved = await admin.post("/data/campaigns", {
      campaign_id: `${prefix}spring`,
      name: "Spring <sale>",
      utm_campaign: `${prefix}utm`,
      channel: "email",
      starts_on: "2026-03-01",
      ends_on: "2026-03-31",
    });
    assert.equal(saved.status, 200);
    assert.match(await saved.text(), new RegExp(`Saved ${prefix}spring\\.`));
    const [campaign] = await stores.pg`SELECT name, starts_at, ends_at FROM campaigns
      WHERE campaign_id = ${`${prefix}spring`}`;
    assert.equal(campaign!.name, "Spring <sale>");
    assert.equal(campaign!.starts_at.toISOString(), "2026-02-28T21:00:00.000Z", "Moscow midnight");
    assert.equal(campaign!.ends_at.toISOString(), "2026-03-31T21:00:00.000Z");
    const edit = await admin.get(`/data/campaigns?edit=${prefix}spring`);
    assert.match(edit.html, /name="name" required value="Spring &lt;sale&gt;"/);
    assert.match(edit.html, /name="ends_on" required value="2026-03-31"/);

    const invalid = await admin.post("/data/campaigns", {
      campaign_id: `${prefix}bad`,
      name: "Bad",
      starts_on: "2026-03-05",
      ends_on: "2026-03-01",
    });
    assert.equal(invalid.status, 400);
    assert.match(await invalid.text(), /Field &quot;ends_on&quot; must not be before/);

    const product = await admin.post("/data/products", {
      product_id: `${prefix}p1`,
      name: "Phone",
      category: "phones",
      price: "199,90",
      currency: "eur",
    });
    assert.equal(product.status, 200);
    await product.body?.cancel();
    const [p] = await stores.pg`SELECT price::float8 AS price, currency FROM products
      WHERE product_id = ${`${prefix}p1`}`;
    assert.deepEqual({ ...p }, { price: 199.9, currency: "EUR" });

    for (const rate of ["0.5", "0.25"]) {
      const response = await admin.post("/data/rates", { currency: code, rate_to_base: rate });
      assert.equal(response.status, 200);
      await response.body?.cancel();
    }
    const [r] = await stores.pg`SELECT rate_to_base::float8 AS rate FROM currency_rates
      WHERE currency = ${code}`;
    assert.equal(r!.rate, 0.25);
    const audit = await stores.pg`SELECT action, details FROM admin_audit
      WHERE actor = ${admin.username} AND action = 'data.rate' ORDER BY id`;
    assert.deepEqual(audit.map((a) => [a.details.before, a.details.after]), [[null, 0.5], [
      0.5,
      0.25,
    ]]);

    const refused = await viewer.post("/data/rates", { currency: code, rate_to_base: "9" });
    assert.equal(refused.status, 403);
    await refused.body?.cancel();
    assert.equal((await viewer.get("/data/campaigns")).status, 403);
  } finally {
    await stores.pg`DELETE FROM campaigns WHERE campaign_id LIKE ${`${prefix}%`}`;
    await stores.pg`DELETE FROM products WHERE product_id LIKE ${`${prefix}%`}`;
    await stores.pg`DELETE FROM currency_rates WHERE currency = ${code}`;
    await removeStaff(stores.pg, prefix);
  }
});
