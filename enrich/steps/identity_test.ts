import assert from "node:assert/strict";
import { draft } from "../testing/events.ts";
import { aliasesOf } from "../../shared/events/mod.ts";
import { identityStep, linkFrom } from "./identity.ts";
import { productIdOf, productStep } from "./product.ts";
import { userStep } from "./user.ts";

function memoryIdentities() {
  const links = new Map<string, string>();
  return {
    links,
    resolve: (a: string) => Promise.resolve(links.get(a) ?? null),
    link: (a: string, u: string) => Promise.resolve(void links.set(a, u)),
  };
}

Deno.test("identityStep() links on identify and resolves later anonymous events", async () => {
  const store = memoryIdentities();
  const step = identityStep(store);
  await step.run(draft({ type: "identify", event: "identify", user_id: "u1", anonymous_id: "a1" }));
  assert.deepEqual(store.links.get("a1"), "u1");
  const later = await step.run(draft({ user_id: null, anonymous_id: "a1" }));
  assert.deepEqual(later.patch.user_id, "u1");
  assert.deepEqual(later.patch.user?.identity_resolved, true);
  const stranger = await step.run(draft({ user_id: null, anonymous_id: "a2" }));
  assert.deepEqual(stranger.patch, {});
});

Deno.test("identityStep() links alias previous_id and signup events", async () => {
  const store = memoryIdentities();
  const step = identityStep(store);
  await step.run(
    draft({ type: "alias", event: "alias", user_id: "u2", previous_id: "old", anonymous_id: null }),
  );
  await step.run({ ...draft({ user_id: "u3", anonymous_id: "a3" }), event: "signed_up" });
  assert.deepEqual(Object.fromEntries(store.links), { old: "u2", a3: "u3" });
});

Deno.test("linkFrom() links on every signup name of the vocabulary, and not on other events", () => {
  for (const name of aliasesOf("signup")) {
    const event = { ...draft({ user_id: "u4", anonymous_id: "a4" }), event: name };
    assert.deepEqual(linkFrom(event), { anonymousId: "a4", userId: "u4" }, name);
  }
  assert.equal(
    linkFrom({ ...draft({ user_id: "u4", anonymous_id: "a4" }), event: "purchase" }),
    null,
  );
});

Deno.test("userStep() adds the profile and reports a failing lookup", async () => {
  const row = { tier: "premium", signup_at: "2025-01-01T00:00:00.000Z", country_code: "DE" };
  const ok = await userStep({ get: () => Promise.resolve(row) }).run(draft());
  assert.deepEqual(ok.patch.user, { ...row, identity_resolved: false });
  const failed = await userStep({ get: () => Promise.reject(new Error("timed out after 500 ms")) })
    .run(draft());
  assert.deepEqual(failed.error, "User profile lookup failed: timed out after 500 ms");
});

Deno.test("productIdOf() reads product_id, else the first item of items/products", () => {
  assert.deepEqual(productIdOf({ product_id: 123 }), "123");
  assert.deepEqual(productIdOf({ items: [{ product_id: "p9" }, { product_id: "p8" }] }), "p9");
  assert.deepEqual(productIdOf({ products: [{ id: "p7" }] }), "p7");
  assert.deepEqual(productIdOf({ items: [] }), null);
});

Deno.test("productStep() keeps the id of an unknown product and fills a known one", async () => {
  const catalogue = { name: "Headphones", category: "Audio", price: 199, currency: "USD" };
  const lookup = { get: (id: string) => Promise.resolve(id === "123" ? catalogue : null) };
  const known = await productStep(lookup).run(draft());
  assert.deepEqual(known.patch.product, { product_id: "123", ...catalogue });
  const unknown = await productStep(lookup).run(draft({ properties: { product_id: "999" } }));
  assert.deepEqual(unknown.patch.product, {
    product_id: "999",
    name: null,
    category: null,
    price: null,
    currency: null,
  });
});
