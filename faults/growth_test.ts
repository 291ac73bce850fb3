import assert from "node:assert/strict";
import { bounded, flat } from "./growth.ts";

Deno.test("bounded() holds a peak within factor × before + slack and names the limit", () => {
  assert.deepEqual(bounded(100, [120, 180, 150]), { ok: true, peak: 180, limit: 200 });
  assert.deepEqual(bounded(100, [120, 260], { slack: 50 }), { ok: false, peak: 260, limit: 250 });
});

Deno.test("flat() accepts a sawtooth and refuses a steady climb", () => {
  const sawtooth = [100, 130, 95, 128, 101, 131, 97, 129];
  assert.equal(flat(sawtooth, { window: 2 }).ok, true);
  const climb = [100, 110, 120, 130, 140, 150, 160, 170];
  const verdict = flat(climb, { window: 2 });
  assert.deepEqual(verdict, { ok: false, head: 105, tail: 165 });
});
