/**
 * Expansion of the Grafana macros the dashboards use, as the grafana-clickhouse-datasource
 * plugin (4.x, pkg/macros) and Grafana's Prometheus datasource expand them, so tests can run
 * panel queries against the real engines.
 * @module
 */

/** The dashboard time range and interval a query is expanded for. */
export interface MacroContext {
  from: Date;
  to: Date;
  /** `$__interval` in seconds. */
  intervalS: number;
  /** Values of dashboard variables; a variable not given is "All". */
  vars?: Record<string, string[]>;
}

/** What the ClickHouse plugin's "All" option of a multi-value variable sends. */
const ALL_VALUE = "__all__";

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const day = (d: Date) => d.toISOString().slice(0, 10);

/** Expands ClickHouse plugin macros; throws on any `$__` macro it does not know. */
export function expandSqlMacros(sql: string, ctx: MacroContext): string {
  const from = seconds(ctx.from);
  const to = seconds(ctx.to);
  const expanded = sql
    .replace(
      /\$__timeFilter_ms\(([^)]+)\)/g,
      (_, c) =>
        `${c} >= fromUnixTimestamp64Milli(${ctx.from.getTime()}) AND ${c} <= fromUnixTimestamp64Milli(${ctx.to.getTime()})`,
    )
    .replace(
      /\$__timeFilter\(([^)]+)\)/g,
      (_, c) => `${c} >= toDateTime(${from}) AND ${c} <= toDateTime(${to})`,
    )
    .replace(
      /\$__dateFilter\(([^)]+)\)/g,
      (_, c) => `${c} >= toDate('${day(ctx.from)}') AND ${c} <= toDate('${day(ctx.to)}')`,
    )
    .replace(
      /\$__timeInterval\(([^)]+)\)/g,
      (_, c) => `toStartOfInterval(toDateTime(${c}), INTERVAL ${ctx.intervalS} second)`,
    )
    .replace(/\$__fromTime_ms\b/g, `fromUnixTimestamp64Milli(${ctx.from.getTime()})`)
    .replace(/\$__toTime_ms\b/g, `fromUnixTimestamp64Milli(${ctx.to.getTime()})`)
    .replace(/\$__fromTime\b/g, `toDateTime(${from})`)
    .replace(/\$__toTime\b/g, `toDateTime(${to})`)
    .replace(/\$__interval_s\b/g, String(ctx.intervalS))
    // Grafana's `${name:singlequote}` format: each value quoted, joined with commas.
    .replace(
      /\$\{(\w+):singlequote\}/g,
      (_, name: string) =>
        (ctx.vars?.[name] ?? [ALL_VALUE]).map((v) => `'${v.replaceAll("'", "\\'")}'`).join(","),
    );
  const unknown = expanded.match(/\$__\w+|\$\{[^}]*\}/);
  if (unknown) throw new Error(`Unknown Grafana macro ${unknown[0]} in: ${sql}`);
  return expanded;
}

/** Expands Grafana's Prometheus interval variables for a scrape interval of `scrapeS` seconds. */
export function expandPromMacros(
  expr: string,
  opts: { intervalS: number; scrapeS: number },
): string {
  // Grafana: $__rate_interval = max($__interval + scrape interval, 4 × scrape interval).
  const rateS = Math.max(opts.intervalS + opts.scrapeS, 4 * opts.scrapeS);
  const expanded = expr
    .replaceAll("$__rate_interval", `${rateS}s`)
    .replaceAll("$__interval", `${opts.intervalS}s`);
  const unknown = expanded.match(/\$__\w+/);
  if (unknown) throw new Error(`Unknown Grafana variable ${unknown[0]} in: ${expr}`);
  return expanded;
}
