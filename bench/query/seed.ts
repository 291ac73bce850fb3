/**
 * Fills ClickHouse with events of the loadgen shop model by bulk insert (not through the
 * pipeline), spread evenly over the last `--days` days, with a progress bar.
 *
 *   deno run -A bench/query/seed.ts [--events 10000000] [--days 30] [--batch 100000] [--seed 1]
 *   deno run -A bench/query/seed.ts --events 100000 --multiply 100  # 10M: model rows copied in-engine
 *   deno run -A bench/query/seed.ts --clear     # removes every seeded row (source_id "seed")
 *
 * Env: CLICKHOUSE_URL (default http://127.0.0.1:8123), CLICKHOUSE_DATABASE (default eventflow;
 * bench/query/bench.ts uses eventflow_qbench). Migrates the database first.
 */
import { parseArgs } from "node:util";
import { createClickHouse } from "../../shared/clickhouse/mod.ts";
import { migrateClickHouse } from "../../shared/clickhouse/migrate.ts";
import { createShop } from "../loadgen/model/mod.ts";
import { createRowMapper, SEED_SOURCE } from "./rows.ts";

function bar(done: number, total: number, started: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const seconds = (performance.now() - started) / 1000;
  const rate = done / Math.max(seconds, 0.001);
  const eta = rate > 0 ? (total - done) / rate : 0;
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done.toLocaleString("en")}/${
    total.toLocaleString("en")
  } events, ${Math.round(rate).toLocaleString("en")}/s, ${seconds.toFixed(0)} s, ETA ${
    eta.toFixed(0)
  } s`;
}

/**
 * Inserting rows over HTTP costs the local engine far more than copying them inside it, so the
 * model's events go once into a scratch table `seed_base`, and `events` is filled from it by
 * INSERT … SELECT with ARRAY JOIN over copy numbers: copy 0 keeps the model's ids, copy k gets
 * the suffix `-k` on event, user, anonymous and session ids, so each copy adds new actors and
 * sessions, not duplicates. Each statement writes a few copies, so other clients of a shared
 * engine get turns in between and the progress bar moves.
 */
async function copies(
  ch: ReturnType<typeof createClickHouse>,
  opts: { total: number; multiply: number; started: number; perStatement: number },
): Promise<void> {
  const rows = await ch.query({
    query: `SELECT name FROM system.columns WHERE database = currentDatabase()
      AND table = 'events' AND name != 'inserted_at' ORDER BY position`,
    format: "JSONEachRow",
  });
  const columns = (await rows.json<{ name: string }>()).map((r) => r.name);
  const suffix = "if(copy = 0, '', concat('-', toString(copy)))";
  const suffixed: Record<string, string> = {
    event_id: `concat(event_id, ${suffix})`,
    user_id: `if(user_id = '', '', concat(user_id, ${suffix}))`,
    anonymous_id: `concat(anonymous_id, ${suffix})`,
    session_id: `concat(session_id, ${suffix})`,
  };
  const select = columns.map((c) => suffixed[c] ?? c).join(", ");
  const grandTotal = opts.total * opts.multiply;
  for (let first = 0; first < opts.multiply; first += opts.perStatement) {
    const last = Math.min(opts.multiply, first + opts.perStatement);
    await ch.command({
      query: `INSERT INTO events (${columns.join(", ")}) SELECT ${select}
        FROM ${BASE_TABLE} ARRAY JOIN range({first:UInt32}, {last:UInt32}) AS copy`,
      query_params: { first, last },
      clickhouse_settings: { insert_deduplicate: 0 },
    });
    await progress(bar(opts.total * last, grandTotal, opts.started));
  }
}

/** The scratch table the model's rows go to before they are copied into `events`. */
const BASE_TABLE = "seed_base";

function progress(line: string): Promise<number> {
  return Deno.stderr.write(new TextEncoder().encode(`\r${line}`));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      events: { type: "string", default: "10000000" },
      days: { type: "string", default: "30" },
      batch: { type: "string", default: "100000" },
      seed: { type: "string", default: "1" },
      clear: { type: "boolean", default: false },
      multiply: { type: "string", default: "1" },
    },
    strict: true,
  });
  const total = Number(values.events);
  const days = Number(values.days);
  const batch = Number(values.batch);
  const multiply = Number(values.multiply);
  for (
    const [name, n] of [["events", total], ["days", days], ["batch", batch], [
      "multiply",
      multiply,
    ]] as const
  ) {
    if (!Number.isInteger(n) || n <= 0) {
      console.error(`error: --${name} must be a positive whole number`);
      return 2;
    }
  }
  const url = Deno.env.get("CLICKHOUSE_URL") ?? "http://127.0.0.1:8123";
  const database = Deno.env.get("CLICKHOUSE_DATABASE") ?? "eventflow";
  // The writer's credentials: the local stack keeps them in .stack/clickhouse-users.json.
  const auth = {
    username: Deno.env.get("CLICKHOUSE_USER") ?? "default",
    password: Deno.env.get("CLICKHOUSE_PASSWORD") ?? "",
  };
  // The target may be a fresh database (the benchmark uses its own): create its tables first.
  const admin = createClickHouse({ url, database: "default", ...auth });
  try {
    await migrateClickHouse(admin, { database });
  } finally {
    await admin.close();
  }
  const ch = createClickHouse({ url, database, requestTimeoutMs: 600_000, ...auth });
  try {
    if (values.clear) {
      await ch.command({
        query: "ALTER TABLE events DELETE WHERE source_id = {s:String}",
        query_params: { s: SEED_SOURCE },
        clickhouse_settings: { mutations_sync: "2" },
      });
      console.log("Removed the seeded events.");
      return 0;
    }
    const shop = createShop({ seed: Number(values.seed), visitors: Math.max(20_000, total / 50) });
    const toRow = createRowMapper();
    const end = Date.now();
    const start = end - days * 86_400_000;
    const step = (end - start) / total;
    const started = performance.now();
    // With copies to make, the model's rows wait in a scratch table with the same columns.
    const target = multiply > 1 ? BASE_TABLE : "events";
    if (multiply > 1) {
      await ch.command({ query: `DROP TABLE IF EXISTS ${BASE_TABLE}` });
      await ch.command({
        query: `CREATE TABLE ${BASE_TABLE} AS events ENGINE = MergeTree ORDER BY tuple()`,
      });
    }
    let done = 0;
    // Generate the next batch while the previous one is being inserted.
    let pending: Promise<unknown> = Promise.resolve();
    while (done < total) {
      const n = Math.min(batch, total - done);
      const rows = new Array(n);
      for (let i = 0; i < n; i++) {
        const event = shop.next(start + (done + i) * step);
        rows[i] = toRow(event);
      }
      await pending;
      pending = ch.insert({ table: target, values: rows, format: "JSONEachRow" });
      done += n;
      await progress(bar(done, total * multiply, started));
    }
    await pending;
    if (multiply > 1) {
      // About 100,000 rows per statement: seconds of the engine each, far below the stand-in's
      // 60 s statement limit even on a loaded machine (500,000 rows hit it).
      const perStatement = Math.max(1, Math.floor(100_000 / total));
      await copies(ch, { total, multiply, started, perStatement });
      await ch.command({ query: `DROP TABLE ${BASE_TABLE}` });
    }
    const seconds = (performance.now() - started) / 1000;
    console.error(
      `\nSeeded ${(total * multiply).toLocaleString("en")} events over ${days} days in ${
        seconds.toFixed(1)
      } s ` +
        `(${Math.round((total * multiply) / seconds).toLocaleString("en")} events/s).`,
    );
    return 0;
  } finally {
    await ch.close();
  }
}

if (import.meta.main) Deno.exit(await main());
