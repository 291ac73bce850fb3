import assert from "node:assert/strict";
import { componentStatus } from "./component.ts";

Deno.test("componentStatus() says whose a component is from its pid file and reachability", () => {
  const facts = { url: "http://127.0.0.1:8123", log: ".stack/clickhouse/clickhouse.log" };
  assert.deepEqual(componentStatus("clickhouse", { ...facts, up: true, pid: 42 }), {
    name: "clickhouse",
    state: "up",
    owner: "stack",
    pid: 42,
    ...facts,
  });
  assert.equal(componentStatus("clickhouse", { ...facts, up: true, pid: null }).owner, "external");
  const down = componentStatus("clickhouse", { ...facts, up: false, pid: null });
  assert.deepEqual([down.state, down.owner], ["down", "-"]);
  // Started by the stack but not answering (still starting or wedged): ours, and down.
  const wedged = componentStatus("clickhouse", { ...facts, up: false, pid: 42 });
  assert.deepEqual([wedged.state, wedged.owner], ["down", "stack"]);
});
