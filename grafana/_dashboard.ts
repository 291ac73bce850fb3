/**
 * Small builders for Grafana dashboard JSON (schema 39, Grafana 10–12). The dashboards are code so
 * that every panel's query is one string the tests can run against real Prometheus and ClickHouse.
 * @module
 */

/** A datasource reference by the uid provisioned in grafana/provisioning/datasources. */
export interface DatasourceRef {
  type: "prometheus" | "grafana-clickhouse-datasource";
  uid: "prometheus" | "clickhouse";
}

/** Prometheus, provisioned with uid `prometheus`. */
export const PROMETHEUS: DatasourceRef = { type: "prometheus", uid: "prometheus" };
/** ClickHouse (grafana-clickhouse-datasource), provisioned with uid `clickhouse`. */
export const CLICKHOUSE: DatasourceRef = {
  type: "grafana-clickhouse-datasource",
  uid: "clickhouse",
};

/** One PromQL query of a panel. */
export interface PromTarget {
  refId: string;
  datasource: DatasourceRef;
  expr: string;
  legendFormat: string;
  range: boolean;
  instant: boolean;
}

/** One SQL query of a panel (ClickHouse plugin 4.x: format 0 = time series, 1 = table). */
export interface SqlTarget {
  refId: string;
  datasource: DatasourceRef;
  editorType: "sql";
  queryType: "timeseries" | "table";
  format: 0 | 1;
  rawSql: string;
}

/** A panel as Grafana stores it. */
export interface Panel {
  id?: number;
  type: string;
  title: string;
  description?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: DatasourceRef;
  targets?: Array<PromTarget | SqlTarget>;
  fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
  collapsed?: boolean;
  panels?: Panel[];
}

/** Options shared by the panel builders. */
export interface PanelOptions {
  /** Grid width out of 24 (default 8). */
  w?: number;
  /** Grid height (default 8). */
  h?: number;
  /** Grafana unit id, e.g. `reqps`, `s`, `percentunit`, `bytes` (default `short`). */
  unit?: string;
  description?: string;
  /** Stacked areas (for parts of a whole). */
  stack?: boolean;
  /** Decimals shown. */
  decimals?: number;
}

type Sized = Panel & { gridPos: { x: number; y: number; w: number; h: number } };

function defaults(opts: PanelOptions): Record<string, unknown> {
  return {
    unit: opts.unit ?? "short",
    ...(opts.decimals === undefined ? {} : { decimals: opts.decimals }),
    custom: opts.stack ? { stacking: { mode: "normal" }, fillOpacity: 30 } : { fillOpacity: 10 },
  };
}

function base(type: string, title: string, opts: PanelOptions): Sized {
  return {
    type,
    title,
    ...(opts.description ? { description: opts.description } : {}),
    gridPos: { x: 0, y: 0, w: opts.w ?? 8, h: opts.h ?? 8 },
    fieldConfig: { defaults: defaults(opts), overrides: [] },
  };
}

/** A PromQL query with its legend (`{{label}}` placeholders). */
export function prom(expr: string, legendFormat = ""): Omit<PromTarget, "refId"> {
  return { datasource: PROMETHEUS, expr, legendFormat, range: true, instant: false };
}

/** A ClickHouse SQL query returning a time column (`time`) and values, or a table. */
export function sql(rawSql: string, as: "timeseries" | "table"): Omit<SqlTarget, "refId"> {
  return {
    datasource: CLICKHOUSE,
    editorType: "sql",
    queryType: as,
    format: as === "timeseries" ? 0 : 1,
    rawSql: rawSql.trim(),
  };
}

function withTargets(panel: Sized, targets: Array<Omit<PromTarget | SqlTarget, "refId">>): Sized {
  const refIds = "ABCDEFGHIJ";
  panel.datasource = targets[0]!.datasource;
  panel.targets = targets.map((t, i) => ({ ...t, refId: refIds[i]! }) as PromTarget | SqlTarget);
  return panel;
}

/** A time series panel. */
export function timeseries(
  title: string,
  targets: Array<Omit<PromTarget | SqlTarget, "refId">>,
  opts: PanelOptions = {},
): Sized {
  const panel = withTargets(base("timeseries", title, opts), targets);
  panel.options = {
    legend: { displayMode: "list", placement: "bottom", showLegend: true },
    tooltip: { mode: "multi", sort: "desc" },
  };
  return panel;
}

/** A single-number panel (last value, with a sparkline for time series). */
export function stat(
  title: string,
  targets: Array<Omit<PromTarget | SqlTarget, "refId">>,
  opts: PanelOptions = {},
): Sized {
  const panel = withTargets(base("stat", title, { w: 4, h: 4, ...opts }), targets);
  panel.options = {
    reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
    colorMode: "value",
    graphMode: "area",
    textMode: "auto",
  };
  return panel;
}

/** A table panel. */
export function table(
  title: string,
  target: Omit<SqlTarget, "refId">,
  opts: PanelOptions = {},
): Sized {
  const panel = withTargets(base("table", title, opts), [target]);
  panel.options = { showHeader: true, cellHeight: "sm" };
  return panel;
}

/** A pie chart of one row per slice (`name`, `value`). */
export function pie(
  title: string,
  target: Omit<SqlTarget, "refId">,
  opts: PanelOptions = {},
): Sized {
  const panel = withTargets(base("piechart", title, opts), [target]);
  panel.options = {
    reduceOptions: { calcs: ["lastNotNull"], fields: "", values: true },
    pieType: "donut",
    legend: { displayMode: "table", placement: "right", showLegend: true, values: ["percent"] },
    tooltip: { mode: "single" },
  };
  return panel;
}

/** Horizontal bars, one per row (the funnel). */
export function bars(
  title: string,
  target: Omit<SqlTarget, "refId">,
  opts: PanelOptions = {},
): Sized {
  const panel = withTargets(base("bargauge", title, opts), [target]);
  panel.options = {
    orientation: "horizontal",
    displayMode: "gradient",
    showUnfilled: true,
    reduceOptions: { calcs: [], fields: "", values: true },
  };
  return panel;
}

/** A section header. */
export function row(title: string): Sized {
  return { type: "row", title, collapsed: false, panels: [], gridPos: { x: 0, y: 0, w: 24, h: 1 } };
}

/** Places panels left to right, wrapping at 24 columns; rows start a new line. Numbers ids. */
export function layout(panels: Sized[]): Panel[] {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  return panels.map((panel, index) => {
    const { w, h } = panel.gridPos;
    if (panel.type === "row" || x + w > 24) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    const placed = { ...panel, id: index + 1, gridPos: { x, y, w, h } };
    x += w;
    lineHeight = Math.max(lineHeight, h);
    if (panel.type === "row") {
      y += h;
      x = 0;
      lineHeight = 0;
    }
    return placed;
  });
}

/** The value a multi-value variable takes when "All" is selected. */
export const ALL = "__all__";

/**
 * A multi-value dashboard variable whose options come from a ClickHouse query returning one
 * column; "All" expands to {@linkcode ALL} so SQL can test for it.
 */
export function sqlVariable(name: string, label: string, query: string): Record<string, unknown> {
  return {
    type: "query",
    name,
    label,
    datasource: CLICKHOUSE,
    query: query.trim(),
    definition: query.trim(),
    refresh: 2, // on time range change
    multi: true,
    includeAll: true,
    allValue: ALL,
    current: { selected: true, text: ["All"], value: ["$__all"] },
    sort: 1,
    hide: 0,
  };
}

/** A complete dashboard document. */
export function dashboard(
  uid: string,
  title: string,
  opts: {
    panels: Sized[];
    tags: string[];
    description: string;
    from?: string;
    refresh?: string;
    variables?: Record<string, unknown>[];
  },
): Record<string, unknown> {
  return {
    uid,
    title,
    description: opts.description,
    tags: opts.tags,
    timezone: "utc",
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: opts.refresh ?? "30s",
    time: { from: opts.from ?? "now-6h", to: "now" },
    timepicker: {},
    templating: { list: opts.variables ?? [] },
    annotations: { list: [] },
    links: [],
    panels: layout(opts.panels),
  };
}
