import assert from "node:assert/strict";
import { createLru } from "./lru.ts";

Deno.test("createLru() evicts the least recently used entry and expires by TTL", () => {
  let now = 0;
  const lru = createLru<string | null>({ max: 2, ttlMs: 100, clock: { now: () => now } });
  lru.set("a", "A");
  lru.set("b", null);
  assert.deepEqual(lru.get("a"), "A");
  lru.set("c", "C");
  assert.deepEqual([lru.get("a"), lru.get("b"), lru.get("c")], ["A", undefined, "C"]);
  now = 100;
  assert.deepEqual(lru.get("a"), undefined);
  lru.set("d", "D", 500);
  now = 599;
  assert.deepEqual(lru.get("d"), "D");
});
