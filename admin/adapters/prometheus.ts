/**
 * The pipeline's live figures from Prometheus's HTTP API (`/api/v1/query`), for the monitoring
 * page. Prometheus down or slow → {@link StoreUnavailableError} naming it (a 503 page).
 */
import { StoreUnavailableError } from "../core/errors.ts";

/** One sample of an instant query: its labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Runs an instant query; NaN values (a rate over nothing) come back as 0. */
export async function instantQuery(
  baseUrl: string,
  expr: string,
  opts: { timeoutMs?: number } = {},
): Promise<Sample[]> {
  const url = `${baseUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`;
  let body: {
    status: string;
    error?: string;
    data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
    body = await response.json();
  } catch (cause) {
    throw new StoreUnavailableError("Prometheus", { cause });
  }
  if (body.status !== "success" || body.data === undefined) {
    // A rejected expression is our bug, not Prometheus being down.
    throw new Error(`Prometheus rejected query ${JSON.stringify(expr)}: ${body.error ?? "?"}`);
  }
  return body.data.result.map((r) => {
    const value = Number(r.value[1]);
    return { labels: r.metric, value: Number.isFinite(value) ? value : 0 };
  });
}

/** The monitoring page's figures. */
export interface PipelineFigures {
  ingestAccepted: number;
  ingestRejected: number;
  enrichIn: number;
  enrichOut: number;
  sinkRows: Sample[];
  lag: Sample[];
  deadLetters: number;
  up: Sample[];
  freshnessP95: number | null;
}

/** Queries, each over the last minute (freshness over five). */
export const PIPELINE_QUERIES = {
  ingestAccepted: 'sum(rate(eventflow_ingest_events_total{outcome="accepted"}[1m]))',
  ingestRejected: 'sum(rate(eventflow_ingest_events_total{outcome!="accepted"}[1m]))',
  enrichIn: "sum(rate(eventflow_enrich_consumed_total[1m]))",
  enrichOut: "sum(rate(eventflow_enrich_produced_total[1m]))",
  sinkRows: "sum by (store) (rate(eventflow_sink_rows_written_total[1m]))",
  lag: "sum by (group) (eventflow_consumer_lag)",
  deadLetters: "(sum(rate(eventflow_enrich_dead_letter_total[5m])) or vector(0))" +
    " + (sum(rate(eventflow_sink_dead_letter_total[5m])) or vector(0))",
  up: 'up{job=~"ingest|enrich|sink|admin|alerts|query"}',
  freshnessP95:
    "histogram_quantile(0.95, sum by (le) (rate(eventflow_sink_event_freshness_seconds_bucket[5m])))",
} as const;

/** Every figure of the monitoring page, queried in parallel. */
export async function pipelineFigures(
  baseUrl: string,
  opts: { timeoutMs?: number } = {},
): Promise<PipelineFigures> {
  const q = (expr: string) => instantQuery(baseUrl, expr, opts);
  const one = async (expr: string) => (await q(expr))[0]?.value ?? 0;
  const figures = await allByName({
    ingestAccepted: one(PIPELINE_QUERIES.ingestAccepted),
    ingestRejected: one(PIPELINE_QUERIES.ingestRejected),
    enrichIn: one(PIPELINE_QUERIES.enrichIn),
    enrichOut: one(PIPELINE_QUERIES.enrichOut),
    sinkRows: q(PIPELINE_QUERIES.sinkRows),
    lag: q(PIPELINE_QUERIES.lag),
    deadLetters: one(PIPELINE_QUERIES.deadLetters),
    up: q(PIPELINE_QUERIES.up),
    freshnessP95: q(PIPELINE_QUERIES.freshnessP95),
  });
  const freshness = figures.freshnessP95[0]?.value;
  return {
    ...figures,
    up: figures.up.sort((a, b) => (a.labels.job ?? "").localeCompare(b.labels.job ?? "")),
    freshnessP95: freshness === undefined || freshness === 0 ? null : freshness,
  };
}

/** `Promise.all` over an object: every promise runs at once, the results keep their names. */
async function allByName<T extends Record<string, Promise<unknown>>>(
  promises: T,
): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const entries = await Promise.all(
    Object.entries(promises).map(async ([name, promise]) => [name, await promise] as const),
  );
  return Object.fromEntries(entries) as { [K in keyof T]: Awaited<T[K]> };
}
