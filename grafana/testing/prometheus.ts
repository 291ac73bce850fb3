/**
 * Test fixture: a real Prometheus (Debian's /usr/bin/prometheus) scraping an in-test target that
 * serves each service's real metric definitions (`<service>/metrics.ts` factories), moving every
 * series on each scrape so rates and quantiles have data.
 * @module
 */
import { createRegistry, type Registry } from "../../shared/metrics.ts";
import { freePort, spawnChild } from "../../shared/process/mod.ts";
import { sleep } from "../../shared/time.ts";

/** The Prometheus job names, shared with compose and the local stack. */
export const JOBS = ["ingest", "enrich", "sink", "admin", "alerts"] as const;

/** Label values used for every labelled series; two values where dashboards filter on one. */
const LABEL_VALUES: Record<string, string[]> = {
  route: ["/v1/batch"],
  status: ["200", "400"],
  source: ["web"],
  outcome: ["accepted", "rejected"],
  reason: ["invalid_json"],
  step: ["geo"],
  cache: ["user"],
  result: ["hit", "miss"],
  store: ["clickhouse", "postgres"],
  group: ["eventflow-enrich"],
  topic: ["raw_events"],
  partition: ["0"],
  scope: ["ip"],
};

/** Builds a registry per job: process metrics plus `<job>/metrics.ts`'s `create*Metrics(registry)`. */
export async function serviceRegistries(): Promise<Map<string, { registry: Registry }>> {
  const root = new URL("../../", import.meta.url);
  const result = new Map<string, { registry: Registry }>();
  for (const job of JOBS) {
    const registry = createRegistry(job);
    const file = new URL(`${job}/metrics.ts`, root);
    if (exists(file)) {
      const module = await import(file.href) as Record<string, unknown>;
      for (const [name, factory] of Object.entries(module)) {
        if (/^create\w*Metrics$/.test(name) && typeof factory === "function") factory(registry);
      }
    }
    result.set(job, { registry });
  }
  return result;
}

function exists(url: URL): boolean {
  try {
    Deno.statSync(url);
    return true;
  } catch {
    return false;
  }
}

function combinations(labelNames: string[]): Record<string, string>[] {
  return labelNames.reduce<Record<string, string>[]>(
    (acc, label) =>
      acc.flatMap((partial) =>
        (LABEL_VALUES[label] ?? ["x"]).map((v) => ({ ...partial, [label]: v }))
      ),
    [{}],
  );
}

/** Moves every custom metric of `registry` once: counters and histograms grow, gauges are set. */
export function bump(registry: Registry): void {
  for (const metric of registry.getMetricsAsArray()) {
    const m = metric as unknown as {
      name: string;
      labelNames?: string[];
      inc?: (labels: Record<string, string>, v: number) => void;
      set?: (labels: Record<string, string>, v: number) => void;
      observe?: (labels: Record<string, string>, v: number) => void;
      collect?: unknown;
    };
    // Default process metrics compute their own values on collect.
    if (!m.name.startsWith("eventflow_") || /eventflow_(process|nodejs)_/.test(m.name)) continue;
    for (const labels of combinations(m.labelNames ?? [])) {
      if (m.observe) m.observe(labels, 0.02);
      else if (m.set) m.set(labels, 1);
      else if (m.inc) m.inc(labels, 1);
    }
  }
}

/** A running Prometheus plus the scrape target; `[Symbol.asyncDispose]` stops both. */
export interface PrometheusFixture extends AsyncDisposable {
  /** Runs an instant query; returns the API's `data` or throws with Prometheus's error. */
  query(
    expr: string,
  ): Promise<
    {
      resultType: string;
      result: Array<{ metric: Record<string, string>; value: [number, string] }>;
    }
  >;
}

/** Starts the target and Prometheus (1 s scrapes) and waits until every job has 5 scrapes. */
export async function startPrometheus(
  registries: Map<string, { registry: Registry }>,
  opts: { extraTargets?: { job: string; port: number }[] } = {},
): Promise<PrometheusFixture> {
  const target = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const job = new URL(req.url).pathname.split("/")[1] ?? "";
    const entry = registries.get(job);
    if (!entry) return new Response("unknown job", { status: 404 });
    bump(entry.registry);
    return new Response(await entry.registry.metrics(), {
      headers: { "content-type": entry.registry.contentType },
    });
  });
  const dir = await Deno.makeTempDir({ prefix: "eventflow_test_prometheus_" });
  const port = freePort();
  const extra = opts.extraTargets ?? [];
  const scrapes = [
    ...JOBS.map((job) =>
      `  - job_name: ${job}\n    metrics_path: /${job}/metrics\n    static_configs: [{ targets: ["127.0.0.1:${target.addr.port}"] }]`
    ),
    // Real exporters: scraped as they are, no bumping.
    ...extra.map(({ job, port }) =>
      `  - job_name: ${job}\n    static_configs: [{ targets: ["127.0.0.1:${port}"] }]`
    ),
  ];
  await Deno.writeTextFile(
    `${dir}/prometheus.yml`,
    `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n${
      scrapes.join("\n")
    }\n`,
  );
  const child = spawnChild("/usr/bin/prometheus", {
    args: [
      `--config.file=${dir}/prometheus.yml`,
      `--storage.tsdb.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    stderrOnly: true,
  });
  const stop = async () => {
    await child.stop();
    await target.shutdown();
    await Deno.remove(dir, { recursive: true });
  };
  const base = `http://127.0.0.1:${port}`;
  const query: PrometheusFixture["query"] = async (expr) => {
    const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = await response.json();
    if (body.status !== "success") throw new Error(`Prometheus rejected ${expr}: ${body.error}`);
    return body.data;
  };
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await query("count(count_over_time(up[1m]) >= 5)").catch(() => null);
      if (Number(ready?.result[0]?.value[1] ?? 0) === JOBS.length + extra.length) break;
      if (Date.now() > deadline) {
        throw new Error(`Prometheus did not scrape all jobs in 30 s:\n${child.output()}`);
      }
      await sleep(250);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { query, [Symbol.asyncDispose]: stop };
}
