import { assert, assertEquals, assertMatch } from "../_test_util.ts";
import { draft } from "../_fixtures.ts";
import { privacyStep, pseudonym, truncateIp } from "./privacy.ts";

Deno.test("truncateIp() zeroes the last IPv4 octet and IPv6 after /48", () => {
  assertEquals(truncateIp("85.214.132.64"), "85.214.132.0");
  assertEquals(truncateIp("2a01:238:4000:1:2:3:4:5"), "2a01:238:4000::");
  assertEquals(truncateIp("2a01:0238::1"), "2a01:238:0::");
  assertEquals(truncateIp("::1"), "0:0:0::");
  assertEquals(truncateIp("not an ip"), null);
});

Deno.test("pseudonym() is stable per salt, case-insensitive, and differs across salts", () => {
  assertEquals(pseudonym("Jane@Example.com", "s1"), pseudonym("jane@example.com", "s1"));
  assert(pseudonym("jane@example.com", "s1") !== pseudonym("jane@example.com", "s2"), "salted");
  assertMatch(pseudonym("x", "s"), /^ph_[0-9a-f]{32}$/);
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
  assertEquals(patch.ip, "85.214.132.0");
  assertEquals((patch.context as { ip: string }).ip, "85.214.132.0");
});

Deno.test("privacyStep() pseudonymizes configured fields and honours IP_POLICY drop/keep", async () => {
  const event = draft({ traits: { email: "jane@example.com", Phone: "555 0100 200" } });
  const step = privacyStep({
    pseudonymizeFields: ["email", "phone"],
    salt: "pepper",
    ipPolicy: "drop",
  });
  const { patch } = await step.run(event);
  assertEquals(patch.traits, {
    email: pseudonym("jane@example.com", "pepper"),
    Phone: pseudonym("555 0100 200", "pepper"),
  });
  assertEquals(patch.ip, null);
  const kept = await privacyStep({ ipPolicy: "keep" }).run(event);
  assertEquals(kept.patch.ip, "85.214.132.64");
});
