/**
 * The stand-in's Prometheus endpoint, in the format and with the names of clickhouse-server's own
 * (`<prometheus>` on port 9363): `ClickHouseMetrics_*` from system.metrics,
 * `ClickHouseProfileEvents_*` from system.events, and the `ClickHouseAsyncMetrics_*` the
 * dashboards and alerts use, computed from system.disks and system.parts (chdb has no
 * system.asynchronous_metrics). Dashboards and alert rules then work against either server.
 * @module
 */
import type { Engine } from "./engine.ts";

/** One row of system.metrics or system.events. */
export interface MetricRow {
  name: string;
  value: number;
  description: string;
}

/** What one scrape reads from the engine. */
export interface EngineMetrics {
  metrics: MetricRow[];
  events: MetricRow[];
  /** Free and total bytes of the disk the data lives on. */
  disk: { free: number; total: number };
  /** Active parts and their rows and bytes, over all tables. */
  parts: { count: number; rows: number; bytes: number };
}

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, "_");
}

function help(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, " ");
}

/** Renders a scrape in the Prometheus text format (version 0.0.4). */
export function renderMetrics(m: EngineMetrics): string {
  const lines: string[] = [];
  const add = (name: string, type: "gauge" | "counter", value: number, description: string) => {
    lines.push(`# HELP ${name} ${help(description)}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
  };
  for (const row of m.metrics) {
    add(`ClickHouseMetrics_${sanitize(row.name)}`, "gauge", row.value, row.description);
  }
  for (const row of m.events) {
    add(`ClickHouseProfileEvents_${sanitize(row.name)}`, "counter", row.value, row.description);
  }
  add(
    "ClickHouseAsyncMetrics_FilesystemMainPathAvailableBytes",
    "gauge",
    m.disk.free,
    "Available bytes on the volume where the main ClickHouse path is mounted.",
  );
  add(
    "ClickHouseAsyncMetrics_FilesystemMainPathTotalBytes",
    "gauge",
    m.disk.total,
    "The size of the volume where the main ClickHouse path is mounted, in bytes.",
  );
  add(
    "ClickHouseAsyncMetrics_TotalPartsOfMergeTreeTables",
    "gauge",
    m.parts.count,
    "Total amount of data parts in all tables of MergeTree family.",
  );
  add(
    "ClickHouseAsyncMetrics_TotalRowsOfMergeTreeTables",
    "gauge",
    m.parts.rows,
    "Total amount of rows stored in all tables of MergeTree family.",
  );
  add(
    "ClickHouseAsyncMetrics_TotalBytesOfMergeTreeTables",
    "gauge",
    m.parts.bytes,
    "Total amount of bytes (compressed, including data and indices) stored in all MergeTree tables.",
  );
  return lines.join("\n") + "\n";
}

const SQL = {
  metrics: "SELECT metric, value, description FROM system.metrics",
  events: "SELECT event, value, description FROM system.events",
  disk: "SELECT free_space, total_space FROM system.disks WHERE name = 'default'",
  parts: "SELECT count(), sum(rows), sum(bytes_on_disk) FROM system.parts WHERE active",
};

function rows(bytes: Uint8Array): unknown[][] {
  const text = new TextDecoder().decode(bytes).trim();
  return text === "" ? [] : text.split("\n").map((line) => JSON.parse(line) as unknown[]);
}

function metricRows(bytes: Uint8Array): MetricRow[] {
  return rows(bytes).map(([name, value, description]) => ({
    name: String(name),
    value: Number(value),
    description: String(description),
  }));
}

/** Reads one scrape from the engine, taking it once for all four queries. */
export function collectMetrics(engine: Engine): Promise<EngineMetrics> {
  return engine.exclusive(async (runner) => {
    const q = (sql: string) => runner.query(sql, "JSONCompactEachRow").then((r) => r.bytes);
    const [disk] = rows(await q(SQL.disk));
    const [parts] = rows(await q(SQL.parts));
    return {
      metrics: metricRows(await q(SQL.metrics)),
      events: metricRows(await q(SQL.events)),
      disk: { free: Number(disk?.[0] ?? 0), total: Number(disk?.[1] ?? 0) },
      parts: {
        count: Number(parts?.[0] ?? 0),
        rows: Number(parts?.[1] ?? 0),
        bytes: Number(parts?.[2] ?? 0),
      },
    };
  });
}

/** A `fetch` handler serving `GET /metrics` (and 404 otherwise), as clickhouse-server's port 9363. */
export function metricsHandler(engine: Engine): (req: Request) => Promise<Response> {
  return async (req) => {
    const path = new URL(req.url).pathname;
    if (req.method !== "GET" || path !== "/metrics") {
      return new Response("Not found: the metrics port serves GET /metrics\n", { status: 404 });
    }
    const body = renderMetrics(await collectMetrics(engine));
    return new Response(body, { headers: { "content-type": "text/plain; version=0.0.4" } });
  };
}
