/**
 * Demo data: fills a running stack (`npm start`) with a realistic shop through the real pipeline,
 * so every console page has true figures within minutes. It sends the load generator's shop model
 * (bench/loadgen) to ingest over HTTP: first a few weeks of history (client timestamps in the
 * past, `sent_at` now, so ingest keeps them), then a live trickle until Ctrl-C or `--live-minutes`.
 * Purchases, refunds and identify calls go with the server key, everything else with the public
 * key (tools/demo_keys.ts). With the query service reachable it also records daily spend for the
 * campaigns it saw, so CPA has something to divide.
 *
 *   npm run demo                                 # 21 days, 60 000 events, then 5 events/s for 60 min
 *   deno run -A tools/demo.ts --days 28 --events 100000 --rate 10 --live-minutes 0
 *
 * Env: INGEST_URL, EVENTFLOW_DEV_WRITE_KEY, EVENTFLOW_DEV_SERVER_KEY, QUERY_URL,
 * EVENTFLOW_DEV_QUERY_TOKEN (the flags win).
 */
import { intOption, numberOption, parseCli, runCli, UsageError } from "../shared/cli.ts";
import { createShop } from "../bench/loadgen/model/mod.ts";
import { runBackfill, runRate } from "../bench/loadgen/runner.ts";
import { createHttpSender, type Send } from "../bench/loadgen/sender.ts";
import type { Progress } from "../bench/loadgen/report.ts";
import { keyedSender } from "./demo_keys.ts";

/** The usage text. */
export const USAGE = `Usage: deno run -A tools/demo.ts [flags]   (npm run demo)
  --url URL            ingest (default INGEST_URL or http://127.0.0.1:8080)
  --write-key KEY      public key for browser/app events (default dev_write_key)
  --server-key KEY     server key for purchases, refunds, identify (default dev_server_key)
  --days N             history to backfill, in days (default 21)
  --events N           history events (default 60000; 0 skips the history)
  --rate N             live events per second afterwards (default 5)
  --live-minutes N     how long the live trickle runs; 0 skips it (default 60)
  --seed N             shop model seed (default 7)
  --query-url URL      query service, for campaign spend (default QUERY_URL or http://127.0.0.1:8084)
  --query-token T      its API token (default EVENTFLOW_DEV_QUERY_TOKEN or dev_query_token)`;

/** Parsed flags. */
export interface DemoArgs {
  url: string;
  writeKey: string;
  serverKey: string;
  days: number;
  events: number;
  rate: number;
  liveMinutes: number;
  seed: number;
  queryUrl: string;
  queryToken: string;
}

/** Parses the command line over environment defaults; a mistake throws a UsageError. */
export function parseDemoArgs(args: string[], env: Record<string, string | undefined>): DemoArgs {
  const { values, positionals } = parseCli({
    args,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      "write-key": { type: "string" },
      "server-key": { type: "string" },
      days: { type: "string" },
      events: { type: "string" },
      rate: { type: "string" },
      "live-minutes": { type: "string" },
      seed: { type: "string" },
      "query-url": { type: "string" },
      "query-token": { type: "string" },
    },
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}"`);
  const url = values.url ?? env.INGEST_URL ?? "http://127.0.0.1:8080";
  const queryUrl = values["query-url"] ?? env.QUERY_URL ?? "http://127.0.0.1:8084";
  for (const [name, value] of [["url", url], ["query-url", queryUrl]] as const) {
    if (!URL.canParse(value)) throw new UsageError(`--${name} must be a URL, got "${value}"`);
  }
  return {
    url: url.replace(/\/+$/, ""),
    writeKey: values["write-key"] ?? env.EVENTFLOW_DEV_WRITE_KEY ?? "dev_write_key",
    serverKey: values["server-key"] ?? env.EVENTFLOW_DEV_SERVER_KEY ?? "dev_server_key",
    days: intOption(values.days, "days", { fallback: 21 }),
    events: intOption(values.events, "events", { fallback: 60_000, min: 0 }),
    rate: numberOption(values.rate, "rate", { fallback: 5, min: 0.1 }),
    liveMinutes: numberOption(values["live-minutes"], "live-minutes", { fallback: 60, min: 0 }),
    seed: intOption(values.seed, "seed", { fallback: 7 }),
    queryUrl: queryUrl.replace(/\/+$/, ""),
    queryToken: values["query-token"] ?? env.EVENTFLOW_DEV_QUERY_TOKEN ?? "dev_query_token",
  };
}

/** `history  12,000/60,000 events (20%)  accepted 11,990  errors 0  2,400/s`. */
export function progressText(
  stage: string,
  p: Progress,
  total?: number,
): string {
  const n = (v: number) => Math.round(v).toLocaleString("en-US");
  const of = total === undefined
    ? `${n(p.sent)} events`
    : `${n(p.sent)}/${n(total)} events (${Math.floor((p.sent / Math.max(1, total)) * 100)}%)`;
  return `${stage}  ${of}  accepted ${n(p.ok)}  errors ${n(p.errors)}  ${n(p.rate)}/s`;
}

/** Refuses to start against nothing: ingest must answer, and both keys must be accepted. */
async function preflight(a: DemoArgs, send: Record<"public" | "server", Send>): Promise<void> {
  try {
    await fetch(`${a.url}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) =>
      r.body?.cancel()
    );
  } catch (error) {
    throw new Error(
      `Ingest at ${a.url} does not answer (${
        (error as Error).message
      }). Start the stack first: npm start`,
    );
  }
  const probe = (kind: "public" | "server", key: string) =>
    send[kind]({
      path: "/api/v1/event",
      // One anonymous page view per key: harmless in the shop's figures.
      body: JSON.stringify({
        event_type: "page_view",
        anonymous_id: `demo-preflight-${kind}`,
        platform: "web",
        url: "https://www.gadgetstore.example/",
      }),
      events: 1,
    }).then((r) => {
      if (r.error !== null || r.accepted !== 1) {
        throw new Error(
          `Ingest refused the ${kind} key "${key}": ${r.error ?? `HTTP ${r.status}`}. ` +
            `Pass --${
              kind === "server" ? "server-key" : "write-key"
            }, or start the stack with npm start, which provisions it.`,
        );
      }
    });
  await probe("public", a.writeKey);
  await probe("server", a.serverKey);
}

/** Records a daily spend for each campaign the query service saw over the history. */
async function recordSpend(a: DemoArgs, log: (line: string) => void): Promise<void> {
  const headers = { authorization: `Bearer ${a.queryToken}`, "content-type": "application/json" };
  try {
    const res = await fetch(`${a.queryUrl}/api/v1/campaigns?last=${a.days}d&by=campaign&limit=50`, {
      headers,
      signal: AbortSignal.timeout(60_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
    const answer = await res.json() as {
      rows: Array<{ campaign: string | null; sessions: number }>;
    };
    const entries = [];
    for (const row of answer.rows) {
      if (row.campaign === null) continue;
      // A plausible budget: about $0.80 per session the campaign brought, spread evenly by day.
      const perDay = Math.round((row.sessions * 0.8 / a.days) * 100) / 100;
      for (let d = 0; d < a.days; d++) {
        const day = new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
        entries.push({ campaign: row.campaign, day, amount: perDay });
      }
    }
    if (entries.length === 0) {
      return log("spend    no campaigns seen yet; record spend in the console");
    }
    const put = await fetch(`${a.queryUrl}/api/v1/campaigns/spend`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ entries }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!put.ok) throw new Error(`HTTP ${put.status}: ${(await put.text()).slice(0, 200)}`);
    log(
      `spend    recorded ${entries.length} daily amounts for ${entries.length / a.days} campaigns`,
    );
  } catch (error) {
    log(
      `spend    skipped: the query service at ${a.queryUrl} did not take it (${
        (error as Error).message
      })`,
    );
  }
}

async function main(a: DemoArgs): Promise<number> {
  const senders = {
    public: createHttpSender(a.url, { writeKey: a.writeKey }),
    server: createHttpSender(a.url, { writeKey: a.serverKey }),
  };
  try {
    await preflight(a, senders);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  }
  const shop = createShop({ seed: a.seed });
  const send = keyedSender(senders);
  const log = (line: string) => console.error(line);
  if (a.events > 0) {
    log(
      `history  ${a.events.toLocaleString("en-US")} events over the last ${a.days} days → ${a.url}`,
    );
    const summary = await runBackfill({
      shop,
      send,
      onProgress: (p) => log(progressText("history", p, a.events)),
    }, { total: a.events, days: a.days, batch: 200, concurrency: 2 });
    log(
      `history  done: ${summary.accepted} accepted, ${summary.rejected} rejected, ${summary.errors} errors`,
    );
    if (summary.accepted === 0) return 1;
    // Give enrich and the sink a moment before asking what campaigns ClickHouse now holds.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    await recordSpend(a, log);
  }
  if (a.liveMinutes > 0) {
    log(
      `live     ${a.rate} events/s for ${a.liveMinutes} min (Ctrl-C stops; open http://localhost:8000)`,
    );
    const summary = await runRate({
      shop,
      send,
      onProgress: (p) => log(progressText("live", p)),
    }, { rate: a.rate, durationS: a.liveMinutes * 60, batch: 1, maxInflight: 8 });
    log(`live     done: ${summary.accepted} accepted, ${summary.errors} errors`);
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(
    await runCli(USAGE, Deno.args, (args) => main(parseDemoArgs(args, Deno.env.toObject()))),
  );
}
