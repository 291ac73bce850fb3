import { assertEquals } from "../_test_util.ts";
import { draft } from "../_fixtures.ts";
import { identityStep } from "./identity.ts";
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
  assertEquals(store.links.get("a1"), "u1");
  const later = await step.run(draft({ user_id: null, anonymous_id: "a1" }));
  assertEquals(later.patch.user_id, "u1");
  assertEquals(later.patch.user?.identity_resolved, true);
  const stranger = await step.run(draft({ user_id: null, anonymous_id: "a2" }));
  assertEquals(stranger.patch, {});
});

Deno.test("identityStep() links alias previous_id and signup events", async () => {
  const store = memoryIdentities();
  const step = identityStep(store);
  await step.run(
    draft({ type: "alias", event: "alias", user_id: "u2", previous_id: "old", anonymous_id: null }),
  );
  await step.run({ ...draft({ user_id: "u3", anonymous_id: "a3" }), event: "signed_up" });
  assertEquals(Object.fromEntries(store.links), { old: "u2", a3: "u3" });
});

Deno.test("userStep() adds the profile and reports a failing lookup", async () => {
  const row = { tier: "premium", signup_at: "2025-01-01T00:00:00.000Z", country_code: "DE" };
  const ok = await userStep({ get: () => Promise.resolve(row) }).run(draft());
  assertEquals(ok.patch.user, { ...row, identity_resolved: false });
  const failed = await userStep({ get: () => Promise.reject(new Error("timed out after 500 ms")) })
    .run(draft());
  assertEquals(failed.error, "User profile lookup failed: timed out after 500 ms");
});

Deno.test("productIdOf() reads product_id, else the first item of items/products", () => {
  assertEquals(productIdOf({ product_id: 123 }), "123");
  assertEquals(productIdOf({ items: [{ product_id: "p9" }, { product_id: "p8" }] }), "p9");
  assertEquals(productIdOf({ products: [{ id: "p7" }] }), "p7");
  assertEquals(productIdOf({ items: [] }), null);
});

Deno.test("productStep() keeps the id of an unknown product and fills a known one", async () => {
  const catalogue = { name: "Headphones", category: "Audio", price: 199, currency: "USD" };
  const lookup = { get: (id: string) => Promise.resolve(id === "123" ? catalogue : null) };
  const known = await productStep(lookup).run(draft());
  assertEquals(known.patch.product, { product_id: "123", ...catalogue });
  const unknown = await productStep(lookup).run(draft({ properties: { product_id: "999" } }));
  assertEquals(unknown.patch.product, {
    product_id: "999",
    name: null,
    category: null,
    price: null,
    currency: null,
  });
});
