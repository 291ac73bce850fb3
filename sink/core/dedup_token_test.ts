import assert from "node:assert/strict";
import { dedupToken, offsetRanges } from "./dedup_token.ts";

const at = (partition: number, offset: string) => ({ topic: "t", partition, offset });

Deno.test("offsetRanges() gives first-last offset per partition in partition order", () => {
  assert.equal(
    offsetRanges([at(1, "7"), at(0, "10"), at(1, "5"), at(0, "12")]),
    "t:0:10-12,t:1:5-7",
  );
});

Deno.test("dedupToken() is stable for a retry and differs for other events at same offsets", () => {
  const positions = [at(0, "10"), at(0, "11")];
  const token = dedupToken(positions, ["a", "b"]);
  assert.equal(token, dedupToken([...positions], ["a", "b"]));
  assert.match(token, /^t:0:10-11#[0-9a-f]{16}$/);
  assert.notEqual(token, dedupToken(positions, ["c", "d"]));
});
