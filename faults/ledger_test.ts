import assert from "node:assert/strict";
import { createShop, type ShopEvent } from "../bench/loadgen/model/mod.ts";
import { Ledger } from "./ledger.ts";

function events(n: number): ShopEvent[] {
  const shop = createShop({ seed: 3 });
  return Array.from({ length: n }, () => shop.next(0));
}

Deno.test("Ledger records every id sent and only 2xx answers as acknowledged", () => {
  const ledger = new Ledger();
  const [a, b, c, d] = events(4) as [ShopEvent, ShopEvent, ShopEvent, ShopEvent];
  ledger.record([a], 200, 1000);
  ledger.record([b], 503, 2000);
  ledger.record([c], 0, 3000);
  ledger.record([d], 400, 4000);
  assert.deepEqual([...ledger.tables.clickhouse.acked], [a.event_id]);
  assert.deepEqual(ledger.tables.clickhouse.sent.size, 4);
  assert.equal(ledger.acknowledged, 1);
  assert.deepEqual(ledger.answers, { ok: 1, unavailable: 1, otherStatus: 1, noAnswer: 1 });
  assert.equal(ledger.lastAckAt, 1000);
  assert.equal(ledger.firstAt, 1000);
});
