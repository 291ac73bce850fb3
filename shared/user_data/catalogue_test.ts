import assert from "node:assert/strict";
import { POSTGRES_TABLES, subjectOf, validUserId } from "./catalogue.ts";

Deno.test("subjectOf() keeps linked and co-occurring anonymous ids, not another user's", () => {
  assert.deepEqual(
    subjectOf("u1", {
      identities: ["a2", "a1"],
      seenWithUser: ["a1", "a3", "shared", "", "u1"],
      linkedToOthers: ["shared"],
    }),
    { userId: "u1", anonymousIds: ["a1", "a2", "a3"] },
  );
});

Deno.test("validUserId() refuses ids no request can mean", () => {
  assert.equal(validUserId("user_789"), "user_789");
  for (const bad of ["", " u1", "u1\n"]) {
    assert.throws(
      () => validUserId(bad),
      /is empty, padded with spaces or holds control characters/,
    );
  }
});

Deno.test("POSTGRES_TABLES deletes children before the rows they reference", () => {
  const order = POSTGRES_TABLES.map((t) => t.table);
  const before = (a: string, b: string) =>
    assert(order.indexOf(a) < order.indexOf(b), `${a} < ${b}`);
  before("order_items", "orders");
  before("orders", "sessions");
  for (
    const child of ["orders", "business_events", "reviews", "signups", "sessions", "identities"]
  ) {
    before(child, "users");
  }
});
