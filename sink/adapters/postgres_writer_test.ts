import assert from "node:assert/strict";
import { writePlan } from "./postgres_writer.ts";
import { planEvent } from "../core/postgres_plan.ts";
import { mergePlans } from "../core/postgres_merge.ts";
import type { WritePlan } from "../core/postgres_rows.ts";
import type { EnrichedEvent } from "../../shared/events/mod.ts";
import { enrichedEvent } from "../testing/events.ts";
import { testId, testStores } from "../../shared/testing/stores.ts";
import type { Sql } from "../../shared/postgres/mod.ts";

function write(sql: Sql, events: EnrichedEvent[]): Promise<void> {
  const plans = events.map((event) => {
    const outcome = planEvent(event);
    if (outcome.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
    return outcome.value as WritePlan;
  });
  return writePlan(sql, mergePlans(plans));
}

Deno.test("writePlan() keeps stored traits and tier when a later identify sends them as null", async () => {
  const prefix = `${testId()}_`;
  await using stores = await testStores(prefix);
  const user = `${prefix}user`;
  const identify = (id: string, traits: Record<string, unknown>, at: string) =>
    enrichedEvent(
      { event_id: `${prefix}${id}`, type: "identify", event: "identify", user_id: user, traits },
      { at },
    );
  await write(stores.sql, [
    identify("i1", { email: "ann@example.com", name: "Ann", plan: "pro" }, "2026-03-01T12:00:00Z"),
  ]);
  // A later batch: an SDK that sends every known trait key, unknown ones as null.
  await write(stores.sql, [
    identify("i2", { email: null, name: "Ann B", plan: null }, "2026-03-01T13:00:00Z"),
  ]);
  const [row] = await stores.sql<{ traits: Record<string, unknown>; tier: string }[]>`
    SELECT traits, tier FROM users WHERE user_id = ${user}`;
  assert.deepEqual(row?.traits, { email: "ann@example.com", name: "Ann B", plan: "pro" });
  assert.equal(row?.tier, "pro");
});
