import assert from "node:assert/strict";
import { draft } from "../testing/events.ts";
import { privacyStep, pseudonym, scrub, truncateIp } from "./privacy.ts";

Deno.test("truncateIp() zeroes the last IPv4 octet and IPv6 after /48", () => {
  assert.deepEqual(truncateIp("85.214.132.64"), "85.214.132.0");
  assert.deepEqual(truncateIp("2a01:238:4000:1:2:3:4:5"), "2a01:238:4000::");
  assert.deepEqual(truncateIp("2a01:0238::1"), "2a01:238:0::");
  assert.deepEqual(truncateIp("::1"), "0:0:0::");
  assert.deepEqual(truncateIp("not an ip"), null);
});

Deno.test("pseudonym() is stable per salt, case-insensitive, and differs across salts", () => {
  assert.deepEqual(pseudonym("Jane@Example.com", "s1"), pseudonym("jane@example.com", "s1"));
  assert(pseudonym("jane@example.com", "s1") !== pseudonym("jane@example.com", "s2"), "salted");
  assert.match(pseudonym("x", "s"), /^ph_[0-9a-f]{32}$/);
});

Deno.test("pseudonym() is ph_ + the first 32 hex of HMAC-SHA256 (RFC 4231 test case 2)", () => {
  // Pinned: stored pseudonyms must keep matching across releases.
  assert.equal(
    pseudonym("what do ya want for nothing?", "Jefe"),
    "ph_5bdcc146bf60754e6a042426089575c7",
  );
  assert.equal(pseudonym("  Jane@Example.com ", "pepper"), "ph_1c5ece9926f32bef590b87b49319d5e7");
});

Deno.test("privacyStep() leaves no raw PII anywhere in the serialized event", async () => {
  const secrets = [
    "jane.doe@example.com",
    "+49 30 1234567",
    "4111 1111 1111 1111",
    "85.214.132.64",
  ];
  const event = draft({
    properties: { note: "reach me at jane.doe@example.com", nested: [{ phone: "+49 30 1234567" }] },
    traits: { card: "4111 1111 1111 1111" },
    context: { ip: "85.214.132.64", page: { url: "https://x.io/?e=jane.doe%40example.com" } },
    url: "https://x.io/?email=jane.doe@example.com",
    referrer: "https://ref.io/?tel=%2B49%2030%201234567",
  });
  const { patch } = await privacyStep().run(event);
  const serialized = JSON.stringify({ ...event, ...patch });
  for (const secret of secrets) assert(!serialized.includes(secret), `leaked ${secret}`);
  assert(!serialized.includes("jane.doe%40example.com"), "leaked encoded email");
  assert.deepEqual(patch.ip, "85.214.132.0");
  assert.deepEqual((patch.context as { ip: string }).ip, "85.214.132.0");
});

Deno.test("privacyStep() pseudonymizes configured fields and honours IP_POLICY drop/keep", async () => {
  const event = draft({ traits: { email: "jane@example.com", Phone: "555 0100 200" } });
  const step = privacyStep({
    pseudonymizeFields: ["email", "phone"],
    salt: "pepper",
    ipPolicy: "drop",
  });
  const { patch } = await step.run(event);
  assert.deepEqual(patch.traits, {
    email: pseudonym("jane@example.com", "pepper"),
    Phone: pseudonym("555 0100 200", "pepper"),
  });
  assert.deepEqual(patch.ip, null);
  const kept = await privacyStep({ ipPolicy: "keep" }).run(event);
  assert.deepEqual(kept.patch.ip, "85.214.132.64");
});

Deno.test("truncateIp() keeps an IPv4-mapped IPv6 address mapped and zeroes its last octet", () => {
  // Dual-stack servers report IPv4 clients as ::ffff:a.b.c.d; a /48 of that is all zeros and
  // loses the /24 that IPv4 truncation keeps (and `0:0:0::` looks like a real IPv6 network).
  assert.equal(truncateIp("::ffff:85.214.132.64"), "::ffff:85.214.132.0");
  assert.equal(truncateIp("::FFFF:85.214.132.64"), "::ffff:85.214.132.0");
  assert.equal(truncateIp("0:0:0:0:0:ffff:85.214.132.64"), "::ffff:85.214.132.0");
  assert.equal(truncateIp("::ffff:999.1.2.3"), null);
});

Deno.test("privacyStep() masks emails and phone numbers used as object keys", async () => {
  // Apps key maps by contact (`{"jane@x.io": "accepted"}`); the value walk alone never saw keys.
  const event = draft({
    properties: { invites: { "jane.doe@example.com": "accepted", "+49 30 1234567": "sent" } },
    traits: { ["4111 1111 1111 1111"]: { ok: true } },
  });
  const { patch } = await privacyStep().run(event);
  const text = JSON.stringify(patch);
  for (const secret of ["jane.doe@", "+49 30 1234567", "4111 1111 1111 1111"]) {
    assert(!text.includes(secret), `${secret} leaked: ${text}`);
  }
  assert.deepEqual(patch.properties, {
    invites: { "***@example.com": "accepted", "[phone]": "sent" },
  });
  assert.deepEqual(patch.traits, { "**** **** **** 1111": { ok: true } });
});

Deno.test("privacyStep() keeps every value when two keys mask to the same text", async () => {
  const event = draft({ properties: { votes: { "a@example.com": 1, "b@example.com": 2 } } });
  const { patch } = await privacyStep().run(event);
  assert.deepEqual(patch.properties, { votes: { "***@example.com": 1, "***@example.com#2": 2 } });
});

Deno.test("scrub() hands back what has nothing to mask and copies, never changes, what has", () => {
  const opts = { fields: new Set<string>(), salt: "" };
  const clean = { product_id: "123", items: [{ sku: "a", price: 19.99 }], tags: ["x", "y"] };
  assert.equal(scrub(clean, opts), clean);
  const dirty = { product_id: "123", items: [{ sku: "a" }, { note: "jane@example.com" }] };
  const snapshot = structuredClone(dirty);
  const masked = scrub(dirty, opts) as typeof dirty;
  assert.deepEqual(masked, {
    product_id: "123",
    items: [{ sku: "a" }, { note: "***@example.com" }],
  });
  assert.deepEqual(dirty, snapshot, "the input is not modified");
  assert.equal(masked.items[0], dirty.items[0], "unchanged parts are shared, not copied");
});

Deno.test("privacyStep() truncates context.ip without touching the event's own context", async () => {
  const event = draft({ context: { ip: "85.214.132.64", locale: "de-DE" } });
  const { patch } = await privacyStep().run(event);
  assert.deepEqual(patch.context, { ip: "85.214.132.0", locale: "de-DE" });
  assert.equal(event.context.ip, "85.214.132.64");
});
