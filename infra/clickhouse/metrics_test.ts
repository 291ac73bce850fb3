import assert from "node:assert/strict";
import { openChdbEngine } from "./engine.ts";
import { loadServerConfig } from "./config.ts";
import { metricsHandler, renderMetrics } from "./metrics.ts";
import { serve } from "./server.ts";

Deno.test("renderMetrics() names series as clickhouse-server's Prometheus endpoint does", () => {
  const text = renderMetrics({
    metrics: [{ name: "Query", value: 2, description: "Number of executing queries" }],
    events: [{ name: "InsertedRows", value: 1500, description: "Rows\ninserted" }],
    disk: { free: 10, total: 100 },
    parts: { count: 3, rows: 900, bytes: 4096 },
  });
  assert.match(text, /^# TYPE ClickHouseMetrics_Query gauge\nClickHouseMetrics_Query 2$/m);
  assert.match(text, /^# HELP ClickHouseProfileEvents_InsertedRows Rows inserted$/m);
  assert.match(text, /^ClickHouseProfileEvents_InsertedRows 1500$/m);
  assert.match(text, /^ClickHouseAsyncMetrics_FilesystemMainPathAvailableBytes 10$/m);
  assert.match(text, /^ClickHouseAsyncMetrics_FilesystemMainPathTotalBytes 100$/m);
  assert.match(text, /^ClickHouseAsyncMetrics_TotalPartsOfMergeTreeTables 3$/m);
});

Deno.test("the metrics handler reports the real engine's inserts, parts and disk", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eventflow_test_chmetrics_" });
  const engine = openChdbEngine(dir);
  try {
    await engine.exclusive(async (r) => {
      await r.query("CREATE TABLE default.t (x UInt64) ENGINE = MergeTree ORDER BY x", "TSV");
      await r.query("INSERT INTO default.t SELECT number FROM numbers(1234)", "TSV");
    });
    const handler = metricsHandler(engine);
    const res = await handler(new Request("http://127.0.0.1/metrics"));
    assert.equal(res.status, 200);
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
    assert.ok(value("ClickHouseProfileEvents_InsertedRows") >= 1234);
    assert.ok(value("ClickHouseAsyncMetrics_TotalRowsOfMergeTreeTables") >= 1234);
    assert.ok(value("ClickHouseAsyncMetrics_TotalPartsOfMergeTreeTables") >= 1);
    const free = value("ClickHouseAsyncMetrics_FilesystemMainPathAvailableBytes");
    const total = value("ClickHouseAsyncMetrics_FilesystemMainPathTotalBytes");
    assert.ok(free > 0 && total >= free, `free ${free}, total ${total}`);
    assert.equal((await handler(new Request("http://127.0.0.1/"))).status, 404);
  } finally {
    await engine.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the stand-in serves the engine's metrics on --metrics-port, apart from its SQL port", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eventflow_test_chmetrics_" });
  await Deno.writeTextFile(
    `${dir}/users.json`,
    JSON.stringify({ users: { writer: { password: "secret-0123456789" } } }),
  );
  const running = await serve(
    loadServerConfig(
      [
        "--port",
        "0",
        "--metrics-port",
        "0",
        "--data-dir",
        `${dir}/data`,
        "--users-file",
        `${dir}/users.json`,
      ],
      {},
    ),
  );
  try {
    assert.notEqual(running.metricsPort, null);
    assert.notEqual(running.metricsPort, running.port);
    const res = await fetch(`http://127.0.0.1:${running.metricsPort}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^ClickHouseAsyncMetrics_FilesystemMainPathTotalBytes \d+$/m);
    // The SQL port does not serve it, and the metrics port serves nothing else.
    const sqlPort = await fetch(`http://127.0.0.1:${running.port}/metrics`);
    assert.notEqual(sqlPort.status, 200);
    await sqlPort.body?.cancel();
    const other = await fetch(`http://127.0.0.1:${running.metricsPort}/?query=SELECT%201`);
    assert.equal(other.status, 404);
    await other.body?.cancel();
  } finally {
    await running.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
