import assert from "node:assert/strict";
/**
 * Every panel query of both dashboards runs against the real engines: PromQL against Debian's
 * Prometheus scraping the services' real metric definitions, SQL against ClickHouse with the real
 * migrations; key business panels are checked for exact numbers on a seeded shop.
 */
import type { Panel, PromTarget, SqlTarget } from "./_dashboard.ts";
import { dashboards, render } from "./build.ts";
import { expandPromMacros, expandSqlMacros } from "./_macros.ts";
import { JOBS, serviceRegistries, startPrometheus } from "./testing/prometheus.ts";
import { createTestDatabase, FROM, seed, TO } from "./testing/clickhouse.ts";

const CLICKHOUSE_URL = Deno.env.get("CLICKHOUSE_URL") ?? "http://127.0.0.1:8123";
const all = dashboards();
const panels = (file: string) => (all[file]!.panels as Panel[]).filter((p) => p.type !== "row");

function targets<T extends PromTarget | SqlTarget>(
  file: string,
): Array<{ panel: Panel; target: T }> {
  return panels(file).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel, target: target as T }))
  );
}

Deno.test("dashboards: the provisioned JSON is what grafana/build.ts generates", () => {
  for (const [file, dashboard] of Object.entries(all)) {
    const onDisk = Deno.readTextFileSync(new URL(`./dashboards/${file}`, import.meta.url));
    assert(
      onDisk === render(dashboard),
      `grafana/dashboards/${file} is stale: run deno run -A grafana/build.ts`,
    );
  }
});

Deno.test("dashboards: panels have unique ids, fit the grid without overlapping, use provisioned uids", () => {
  for (const [file, dashboard] of Object.entries(all)) {
    const list = dashboard.panels as Panel[];
    assert.deepEqual(new Set(list.map((p) => p.id)).size, list.length, `${file} panel ids`);
    const cells = new Set<string>();
    for (const panel of list) {
      const { x, y, w, h } = panel.gridPos!;
      assert(x + w <= 24, `${file} "${panel.title}" exceeds 24 columns`);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          assert(!cells.has(`${i},${j}`), `${file} "${panel.title}" overlaps another panel`);
          cells.add(`${i},${j}`);
        }
      }
      for (const target of panel.targets ?? []) {
        assert(
          ["prometheus", "clickhouse"].includes(target.datasource.uid),
          `${panel.title} datasource`,
        );
      }
    }
  }
  assert.deepEqual(new Set(Object.values(all).map((d) => d.uid)).size, 2);
});

Deno.test("dashboards: SQL macros expand like the ClickHouse plugin's", () => {
  const ctx = {
    from: new Date("2026-01-01T00:00:00Z"),
    to: new Date("2026-01-02T00:00:00Z"),
    intervalS: 60,
  };
  assert.deepEqual(
    expandSqlMacros("WHERE $__timeFilter(timestamp) AND day <= toDate($__toTime)", ctx),
    "WHERE timestamp >= toDateTime(1767225600) AND timestamp <= toDateTime(1767312000) AND day <= toDate(toDateTime(1767312000))",
  );
  let message = "";
  try {
    expandSqlMacros("SELECT $__unknownMacro", ctx);
  } catch (error) {
    message = (error as Error).message;
  }
  assert.deepEqual(message, "Unknown Grafana macro $__unknownMacro in: SELECT $__unknownMacro");
  assert.deepEqual(
    expandPromMacros("rate(x[$__rate_interval])", { intervalS: 15, scrapeS: 15 }),
    "rate(x[60s])",
  );
});

Deno.test("system dashboard: every PromQL query evaluates to data on a real Prometheus", async () => {
  const registries = await serviceRegistries();
  const exported = new Map<string, string>();
  for (const [job, { registry }] of registries) {
    for (const metric of await registry.getMetricsAsJSON()) exported.set(metric.name, job);
  }
  const queries = targets<PromTarget>("system-monitoring.json");
  // Names the dashboards use must be exported by the service's metrics.ts (or the brief's list).
  const missing = [
    ...new Set(queries.flatMap(({ target }) => target.expr.match(/eventflow_\w+/g) ?? [])),
  ]
    .map((name) => name.replace(/_(bucket|sum|count)$/, ""))
    .filter((name) => !exported.has(name));
  assert.deepEqual(missing, [], "metrics used by panels but defined in no <service>/metrics.ts");

  await using prometheus = await startPrometheus(registries);
  const problems: string[] = [];
  for (const { panel, target } of queries) {
    const expr = expandPromMacros(target.expr, { intervalS: 2, scrapeS: 1 });
    try {
      const data = await prometheus.query(expr);
      const series = data.result.filter((s) => Number.isFinite(Number(s.value[1])));
      if (series.length === 0) problems.push(`"${panel.title}": no finite series for ${expr}`);
      for (const label of target.legendFormat.match(/\{\{(\w+)\}\}/g) ?? []) {
        const name = label.slice(2, -2);
        if (!series.every((s) => name in s.metric)) {
          problems.push(`"${panel.title}": legend ${label} not a label`);
        }
      }
    } catch (error) {
      problems.push(`"${panel.title}": ${(error as Error).message}`);
    }
  }
  assert.deepEqual(problems, []);
  const up = await prometheus.query("up");
  assert.deepEqual(up.result.map((s) => s.metric.job).sort(), [...JOBS].sort());
});

/** Runs a panel's SQL on the fixture database and returns its rows. */
async function runPanel(
  db: Awaited<ReturnType<typeof createTestDatabase>>,
  target: SqlTarget,
): Promise<Record<string, unknown>[]> {
  const sql = expandSqlMacros(target.rawSql, { from: FROM, to: TO, intervalS: 3600 })
    .replace(/\beventflow\.(\w+)/g, `${db.database}.$1`);
  // As Grafana runs it: the read-only reader.
  const result = await db.reader.query({ query: sql, format: "JSONEachRow" });
  return await result.json<Record<string, unknown>>();
}

Deno.test("business dashboard: every SQL panel runs on ClickHouse and returns rows", async () => {
  await using db = await createTestDatabase(CLICKHOUSE_URL);
  await seed(db);
  const problems: string[] = [];
  for (const { panel, target } of targets<SqlTarget>("business-analytics.json")) {
    try {
      const rows = await runPanel(db, target);
      if (rows.length === 0) problems.push(`"${panel.title}": no rows`);
      if (target.queryType === "timeseries" && rows.length > 0 && !("time" in rows[0]!)) {
        problems.push(`"${panel.title}": a time series needs a "time" column`);
      }
    } catch (error) {
      problems.push(`"${panel.title}": ${(error as Error).message.split("\n")[0]}`);
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("business dashboard: revenue, users, funnel and campaigns match the seeded shop", async () => {
  await using db = await createTestDatabase(CLICKHOUSE_URL);
  await seed(db);
  const byTitle = new Map(
    targets<SqlTarget>("business-analytics.json").map(({ panel, target }) => [panel.title, target]),
  );
  const rows = async (title: string) => {
    const target = byTitle.get(title);
    assert(target !== undefined, `No panel titled "${title}"`);
    return (await runPanel(db, target)).map((row) =>
      Object.fromEntries(
        Object.entries(row).map((
          [k, v],
        ) => [k, typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v]),
      )
    );
  };
  // u1's purchase was delivered twice: it still counts once.
  assert.deepEqual(await rows("Revenue"), [{ revenue: 150 }]);
  assert.deepEqual(await rows("Orders"), [{ orders: 2 }]);
  assert.deepEqual(await rows("Average order value"), [{ aov: 75 }]);
  assert.deepEqual(await rows("Revenue per day"), [
    { time: "2026-01-14 00:00:00", revenue: 100, orders: 1 },
    { time: "2026-01-15 00:00:00", revenue: 50, orders: 1 },
  ]);
  // The bot is not a user.
  assert.deepEqual(await rows("DAU (last day)"), [{ dau: 2 }]);
  assert.deepEqual(await rows("MAU (30 days to end of range)"), [{ mau: 3 }]);
  assert.deepEqual(await rows("Stickiness (DAU / MAU)"), [{ stickiness: 0.667 }]);
  assert.deepEqual(await rows("Daily active users"), [
    { time: "2026-01-14 00:00:00", dau: 2 },
    { time: "2026-01-15 00:00:00", dau: 2 },
  ]);
  assert.deepEqual(await rows("New vs returning users"), [
    { time: "2026-01-14 00:00:00", new_users: 2, returning_users: 0 },
    { time: "2026-01-15 00:00:00", new_users: 1, returning_users: 1 },
  ]);
  assert.deepEqual(await rows("Conversion funnel: view → click → cart → purchase"), [
    { step: "1 view", users: 3, pct_of_viewers: 100 },
    { step: "2 click", users: 2, pct_of_viewers: 66.7 },
    { step: "3 cart", users: 2, pct_of_viewers: 66.7 },
    { step: "4 purchase", users: 1, pct_of_viewers: 33.3 },
  ]);
  assert.deepEqual(await rows("Campaign effectiveness (first-touch in session)"), [
    {
      campaign: "spring",
      sessions: 1,
      converting_sessions: 1,
      conversion_pct: 100,
      purchases: 1,
      revenue: 100,
    },
  ]);
  assert.deepEqual(await rows("Purchases during active campaigns"), [{
    campaign: "winter-sale",
    purchases: 1,
    revenue: 100,
  }]);
  assert.deepEqual(await rows("Top products by purchases"), [
    { product_id: "p1", product: "Boots", purchases: 1, orders: 1 },
    { product_id: "p2", product: "Socks", purchases: 1, orders: 1 },
    { product_id: "p3", product: "Hat", purchases: 1, orders: 1 },
  ]);
  assert.deepEqual(await rows("Channel mix (sessions)"), [
    { channel: "direct", sessions: 1 },
    { channel: "email", sessions: 1 },
    { channel: "search", sessions: 1 },
  ]);
});
