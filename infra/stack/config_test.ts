import assert from "node:assert/strict";
import { loadStackConfig, scrapeTargets } from "./config.ts";

Deno.test("scrapeTargets() scrapes ingest on its loopback ops port, the others on their port", () => {
  const config = loadStackConfig({});
  assert.deepEqual(scrapeTargets(config.services), [
    { job: "ingest", port: 8090 },
    { job: "enrich", port: 8081 },
    { job: "sink", port: 8082 },
    { job: "admin", port: 8000 },
    { job: "alerts", port: 8083 },
  ]);
  const moved = loadStackConfig({ INGEST_OPS_PORT: "18090" });
  assert.equal(scrapeTargets(moved.services)[0]?.port, 18090);
});
