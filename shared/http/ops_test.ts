import assert from "node:assert/strict";
import { createRegistry } from "../metrics.ts";
import { opsRoutes, type ReadinessCheck } from "./ops.ts";

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
