import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { registerDependencyGauge } from "./dependency_gauge.ts";
import { opsRoutes } from "./ops.ts";

Deno.test("eventflow_dependency_up reports each dependency's check at scrape time", async () => {
  const registry = new Registry();
  registry.setDefaultLabels({ service: "sink" });
  let redisUp = true;
  const app = opsRoutes({
    registry,
    checks: [
      { name: "kafka", check: () => Promise.resolve() },
      {
        name: "redis",
        check: () => redisUp ? Promise.resolve() : Promise.reject(new Error("down")),
      },
      { name: "postgres", check: () => new Promise(() => {}) },
    ],
    checkTimeoutMs: 20,
  });
  const scrape = async () => await (await app.request("/metrics")).text();
  const first = await scrape();
  assert.match(first, /eventflow_dependency_up\{dependency="kafka",service="sink"\} 1/);
  assert.match(first, /eventflow_dependency_up\{dependency="redis",service="sink"\} 1/);
  assert.match(first, /eventflow_dependency_up\{dependency="postgres",service="sink"\} 0/);
  redisUp = false;
  assert.match(await scrape(), /eventflow_dependency_up\{dependency="redis",service="sink"\} 0/);
});

Deno.test("registerDependencyGauge() registers once per registry and nothing without checks", () => {
  const registry = new Registry();
  registerDependencyGauge(registry, [], 10);
  assert.equal(registry.getSingleMetric("eventflow_dependency_up"), undefined);
  const check = { name: "redis", check: () => Promise.resolve() };
  registerDependencyGauge(registry, [check], 10);
  registerDependencyGauge(registry, [check], 10);
  assert.equal(registry.getMetricsAsArray().length, 1);
});
