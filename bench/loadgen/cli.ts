/**
 * The GadgetStore load generator.
 *
 *   deno run -A bench/loadgen/cli.ts --rate 2000 --duration 30            open loop, single events
 *   deno run -A bench/loadgen/cli.ts --rate 20000 --duration 30 --batch 50
 *   deno run -A bench/loadgen/cli.ts --max --concurrency 64 --duration 10
 *   deno run -A bench/loadgen/cli.ts --backfill 1000000 --days 90 --batch 500
 *
 * Flags: --url (default http://127.0.0.1:8080, or INGEST_URL), --write-key (public key for
 * browser events; default dev_write_key, or WRITE_KEY), --server-key (back-end key for business
 * events: purchases, refunds, signups, identify…; default dev_server_key, or SERVER_KEY),
 * --seed (default 1), --json (summary as JSON on stdout).
 */
import { createShop } from "./model/mod.ts";
import { progressLine, summaryTable } from "./report.ts";
import { runBackfill, runMax, runRate } from "./runner.ts";
import { createHttpSender } from "./sender.ts";
import { parseArgs } from "./args.ts";

if (import.meta.main) {
  const parsed = parseArgs(Deno.args, {
    url: Deno.env.get("INGEST_URL"),
    writeKey: Deno.env.get("WRITE_KEY"),
    serverKey: Deno.env.get("SERVER_KEY"),
  });
  if (!parsed.ok) {
    console.error(parsed.error);
    Deno.exit(2);
  }
  const a = parsed.args;
  const deps = {
    shop: createShop({ seed: a.seed }),
    send: createHttpSender(a.url, { writeKey: a.writeKey, serverKey: a.serverKey }),
    onProgress: (p: Parameters<typeof progressLine>[0]) => console.error(progressLine(p)),
  };
  const summary = a.mode === "rate"
    ? await runRate(deps, { rate: a.rate, durationS: a.duration, batch: a.batch })
    : a.mode === "max"
    ? await runMax(deps, { durationS: a.duration, batch: a.batch, concurrency: a.concurrency })
    : await runBackfill(deps, {
      total: a.backfill,
      days: a.days,
      batch: a.batch,
      concurrency: a.concurrency,
    });
  if (a.json) console.log(JSON.stringify(summary, null, 2));
  else console.log(summaryTable(summary));
  Deno.exit(summary.accepted > 0 && summary.errors === 0 ? 0 : 1);
}
