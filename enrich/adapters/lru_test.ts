import { assertEquals } from "../_test_util.ts";
import { createLru } from "./lru.ts";

Deno.test("createLru() evicts the least recently used entry and expires by TTL", () => {
  let now = 0;
  const lru = createLru<string | null>({ max: 2, ttlMs: 100, now: () => now });
  lru.set("a", "A");
  lru.set("b", null);
  assertEquals(lru.get("a"), "A");
  lru.set("c", "C");
  assertEquals([lru.get("a"), lru.get("b"), lru.get("c")], ["A", undefined, "C"]);
  now = 100;
  assertEquals(lru.get("a"), undefined);
  lru.set("d", "D", 500);
  now = 599;
  assertEquals(lru.get("d"), "D");
});
