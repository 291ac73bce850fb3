import assert from "node:assert/strict";
import { parseRules, unknownDestinations } from "./rules.ts";

const valid = {
  id: "big_purchase",
  description: "Big purchase",
  when: { event: "purchase", where: [{ field: "revenue.amount_base", op: "gt", value: 1000 }] },
  destinations: ["webhook:default"],
};

Deno.test("parseRules() reads the shipped rules.json", async () => {
  const text = await Deno.readTextFile(new URL("../rules.json", import.meta.url));
  const rules = parseRules(text, "alerts/rules.json");
  assert.deepEqual(rules.map((r) => r.id), ["big_purchase", "big_cart"]);
  assert.deepEqual(rules[0]!.when.where, [{ field: "revenue.amount_base", op: "gt", value: 1000 }]);
  assert.deepEqual(rules[1]!.throttle, { perKey: "user_id", windowSeconds: 3600 });
});

Deno.test("parseRules() defaults where to no conditions and accepts event lists", () => {
  const [rule] = parseRules(
    JSON.stringify({ rules: [{ ...valid, when: { event: ["signup", "purchase"] } }] }),
    "r.json",
  );
  assert.deepEqual(rule!.when, { event: ["signup", "purchase"], where: [] });
});

Deno.test("parseRules() names the file and every failing path", () => {
  const bad = {
    rules: [
      valid,
      {
        ...valid,
        id: "Bad Id",
        when: {
          event: "purchase",
          where: [{ field: "revenue.amount_base", op: "between", value: 1 }],
        },
        destinations: ["slack:ops"],
      },
    ],
  };
  assert.throws(() => parseRules(JSON.stringify(bad), "alerts/rules.json"), (error: Error) => {
    assert.match(error.message, /^Invalid alert rules in alerts\/rules\.json, fix these fields:/);
    assert.match(error.message, /rules\.1\.id: must be 1-64 of a-z, 0-9, _ or -/);
    assert.match(
      error.message,
      /rules\.1\.when\.where\.0\.op: Invalid discriminator value\. Expected 'gt'/,
    );
    assert.match(
      error.message,
      /rules\.1\.destinations\.0: must be "webhook:<name>" or "telegram:<name>"/,
    );
    return true;
  });
});

Deno.test("parseRules() rejects a numeric comparison with a string value", () => {
  const rule = {
    ...valid,
    when: { event: "purchase", where: [{ field: "revenue.amount_base", op: "gt", value: "1000" }] },
  };
  assert.throws(
    () => parseRules(JSON.stringify({ rules: [rule] }), "r.json"),
    /rules\.0\.when\.where\.0\.value: /,
  );
});

Deno.test("parseRules() rejects unknown keys, duplicate ids and broken JSON", () => {
  assert.throws(
    () => parseRules(JSON.stringify({ rules: [{ ...valid, destination: [] }] }), "r.json"),
    /rules\.0: Unrecognized key: "destination"/,
  );
  assert.throws(
    () => parseRules(JSON.stringify({ rules: [valid, valid] }), "r.json"),
    /rules\.1\.id "big_purchase" is used twice/,
  );
  assert.throws(
    () => parseRules("{rules", "r.json"),
    /Cannot read alert rules from r\.json: not valid JSON/,
  );
});

Deno.test("unknownDestinations() lists rule → destination pairs nobody configured", () => {
  const rules = parseRules(
    JSON.stringify({ rules: [{ ...valid, destinations: ["webhook:default", "telegram:ops"] }] }),
    "r.json",
  );
  assert.deepEqual(unknownDestinations(rules, new Set(["webhook:default"])), [
    "big_purchase → telegram:ops",
  ]);
});
