import assert from "node:assert/strict";
import { createRegistry } from "../metrics.ts";
import { opsRoutes, type ReadinessCheck, registerDependencyGauge } from "./ops.ts";
import { Registry } from "prom-client";

const up = (name: string, optional = false): ReadinessCheck => ({
  name,
  optional,
  check: () => Promise.resolve(),
});
const down = (name: string, optional = false): ReadinessCheck => ({
  name,
  optional,
  check: () => Promise.reject(new Error(`${name} refused the connection`)),
});

async function readyz(checks: ReadinessCheck[], isDraining = () => false) {
  const app = opsRoutes({
    registry: createRegistry("t", { processMetrics: false }),
    checks,
    checkTimeoutMs: 50,
    isDraining,
  });
  const response = await app.request("/readyz");
  return [response.status, await response.json()];
}

Deno.test("/readyz is 200 ready when every check answers", async () => {
  assert.deepEqual(await readyz([up("kafka"), up("redis", true)]), [200, {
    status: "ready",
    checks: { kafka: { ok: true }, redis: { ok: true } },
  }]);
});

Deno.test("/readyz stays 200 but says degraded when only an optional check fails", async () => {
  assert.deepEqual(await readyz([up("kafka"), down("redis", true)]), [200, {
    status: "degraded",
    checks: { kafka: { ok: true }, redis: { ok: false, error: "redis refused the connection" } },
  }]);
});

Deno.test("/readyz is 503 not ready when a required check fails or times out", async () => {
  const hung: ReadinessCheck = { name: "kafka", check: () => new Promise(() => {}) };
  assert.deepEqual(await readyz([hung, up("redis", true)]), [503, {
    status: "not ready",
    checks: {
      kafka: { ok: false, error: 'Check "kafka" timed out after 50 ms' },
      redis: { ok: true },
    },
  }]);
});

Deno.test("/readyz is 503 draining without running the checks", async () => {
  let ran = false;
  const check = { name: "kafka", check: () => (ran = true, Promise.resolve()) };
  assert.deepEqual([...await readyz([check], () => true), ran], [
    503,
    { status: "draining", checks: {} },
    false,
  ]);
});

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
