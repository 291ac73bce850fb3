/**
 * The monitoring page against the local stack's real Prometheus (`TEST_PROMETHEUS_URL`, default
 * http://127.0.0.1:9090), and against a port nothing listens on.
 */
import assert from "node:assert/strict";
import { createApp } from "./app.tsx";
import { createLogger } from "../shared/log.ts";
import { createRegistry } from "../shared/metrics.ts";
import { openTestStores } from "./testing/stores.ts";
import { randomPrefix } from "./testing/seed.ts";
import { removeStaff, signedIn, TEST_COST } from "./testing/session.ts";
import { tableRows } from "./testing/http.ts";
import type { Stores } from "./adapters/stores.ts";

const PROMETHEUS = Deno.env.get("TEST_PROMETHEUS_URL") ?? "http://127.0.0.1:9090";

function appFor(stores: Stores, prometheusUrl: string, grafanaUrl?: string) {
  return createApp({
    stores,
    registry: createRegistry("admin", { processMetrics: false }),
    logger: createLogger("admin", { write: () => {} }),
    passwordCost: TEST_COST,
    prometheusUrl,
    grafanaUrl,
  });
}

Deno.test("monitoring shows every scraped service's state from Prometheus and embeds Grafana", async () => {
  await using stores = await openTestStores();
  const prefix = randomPrefix();
  try {
    // What Prometheus itself says is scraped, to compare the page with (a Prometheus the test
    // run has just started needs one scrape interval before `up` exists).
    let expected: string[][] = [];
    const deadline = Date.now() + 30_000;
    while (expected.length === 0 && Date.now() < deadline) {
      const up = await (await fetch(
        `${PROMETHEUS}/api/v1/query?query=${
          encodeURIComponent('up{job=~"ingest|enrich|sink|admin|alerts|query"}')
        }`,
      )).json();
      expected = (up.data.result as { metric: { job: string }; value: [number, string] }[])
        .map((r) => [r.metric.job, r.value[1] === "1" ? "up" : "down"])
        .sort((a, b) => a[0]!.localeCompare(b[0]!));
      if (expected.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.ok(expected.length > 0, "the local Prometheus scrapes the services");

    const app = appFor(stores, PROMETHEUS, "http://grafana.example:3000");
    const viewer = await signedIn(app, stores.pg, { prefix, role: "viewer" });
    const page = await viewer.get("/monitoring");
    assert.equal(page.status, 200);
    assert.deepEqual(tableRows(page.html, "services").map((r) => [r[0], r[2]]), expected);
    assert.match(page.html, /data-kpi="ingest"/);
    assert.doesNotMatch(page.html, /http-equiv="refresh"/);
    const live = await viewer.get("/monitoring?refresh=15");
    assert.match(live.html, /<meta http-equiv="refresh" content="15">/);
    assert.equal((await viewer.get("/monitoring?refresh=1")).status, 400);
    assert.match(
      page.html,
      /<iframe title="eventflow-system" src="http:\/\/grafana.example:3000\/d\/eventflow-system\?kiosk&amp;refresh=30s"/,
    );
    assert.match(page.html, /href="http:\/\/grafana.example:3000\/d\/eventflow-business"/);

    const withoutGrafana = await signedIn(appFor(stores, PROMETHEUS), stores.pg, {
      prefix,
      role: "viewer",
      suffix: "2",
    });
    const plain = await withoutGrafana.get("/monitoring");
    assert.doesNotMatch(plain.html, /<iframe/);
    assert.match(plain.html, /Set GRAFANA_URL to embed/);
  } finally {
    await removeStaff(stores.pg, prefix);
  }
});

Deno.test("monitoring answers 503 naming Prometheus when it is down", async () => {
  await using stores = await openTestStores();
  const prefix = randomPrefix();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closed = (listener.addr as Deno.NetAddr).port;
  listener.close();
  try {
    const app = appFor(stores, `http://127.0.0.1:${closed}`);
    const viewer = await signedIn(app, stores.pg, { prefix, role: "viewer" });
    const page = await viewer.get("/monitoring");
    assert.equal(page.status, 503);
    assert.match(page.html, /<h1>Prometheus is unavailable<\/h1>/);
  } finally {
    await removeStaff(stores.pg, prefix);
  }
});
