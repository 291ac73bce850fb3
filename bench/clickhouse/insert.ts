/**
 * The ClickHouse stand-in's insert path against chdb in-process, with the same rows: realistic
 * `events` rows (the sink's own mapping of enriched events, ~1.8 KB each) into the real events
 * table (its indexes and ReplacingMergeTree), as one JSONEachRow body.
 *
 * - stand-in: a stand-in process of its own on a free port, `@clickhouse/client` streaming the
 *   prepared body as is (`exec`: the client serialises nothing), timed until the insert is acknowledged;
 * - chdb in-process: the best of chdb's raw insert API (`session.insert` with the same bytes)
 *   and `INSERT … FROM INFILE` of the same bytes written to a file, the file write included.
 *
 * Each side gets a fresh table per run; `--runs` repeats both and prints the median and spread.
 * CPU is the stand-in process's (user + system, /proc) and the bench process's own for chdb.
 *
 * `deno run -A bench/clickhouse/insert.ts [--rows 30000] [--runs 3]`
 * @module
 */

import { Readable } from "node:stream";
import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { Session } from "chdb";
import { argsOrExit } from "../../shared/cli.ts";
import { freePort } from "../../shared/process/mod.ts";
import { CLICKHOUSE_INSERT_USAGE, parseClickHouseInsertArgs } from "../args.ts";
import { cpuSeconds } from "../suite/proc.ts";
import {
  startClickHouse,
  stopClickHouse,
  waitClickHouseReady,
} from "../../infra/clickhouse/mod.ts";
import { toEventRow } from "../../sink/core/clickhouse_row.ts";
import { streamEvent } from "../../sink/testing/events.ts";

const MIGRATION = new URL("../../shared/clickhouse/migrations/0001_events.sql", import.meta.url);

/** The events table's DDL under another name. */
async function eventsDdl(): Promise<(table: string) => string> {
  const sql = await Deno.readTextFile(MIGRATION);
  const body = sql.slice(sql.indexOf("CREATE TABLE"));
  return (table) =>
    body.replace(/CREATE TABLE IF NOT EXISTS \{database\}\.events/, `CREATE TABLE ${table}`);
}

/** `count` realistic events rows as one JSONEachRow body. */
export function eventsBody(count: number): Uint8Array {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = streamEvent(i, { prefix: "bench-" });
    lines.push(
      JSON.stringify(toEventRow(event, { topic: "bench", partition: i % 6, offset: String(i) })),
    );
  }
  return new TextEncoder().encode(lines.join("\n") + "\n");
}

/** One timed insert: wall seconds and CPU seconds of the process that did the work. */
interface Sample {
  wallS: number;
  cpuS: number;
  how: string;
}

async function timed(
  cpu: () => Promise<number>,
  how: string,
  fn: () => Promise<unknown>,
): Promise<Sample> {
  const c0 = await cpu();
  const t0 = performance.now();
  await fn();
  const wallS = (performance.now() - t0) / 1000;
  return { wallS, cpuS: (await cpu()) - c0, how };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function standInRuns(
  root: string,
  body: Uint8Array,
  rows: number,
  runs: number,
): Promise<Sample[]> {
  const ddl = await eventsDdl();
  const password = crypto.randomUUID();
  const usersFile = `${root}/users.json`;
  await Deno.writeTextFile(usersFile, JSON.stringify({ users: { bench: { password } } }));
  const port = freePort();
  const dataDir = `${root}/server`;
  const pid = await startClickHouse({ dataDir, port, logFile: `${root}/server.log`, usersFile });
  const client = createClient({
    url: `http://127.0.0.1:${port}`,
    username: "bench",
    password,
    log: { level: ClickHouseLogLevel.OFF },
    request_timeout: 600_000,
  });
  try {
    await waitClickHouseReady(`http://127.0.0.1:${port}`, 60_000);
    const samples: Sample[] = [];
    for (let run = 0; run < runs; run++) {
      const table = `bench_http_${run}`;
      await client.command({ query: ddl(table) });
      samples.push(
        await timed(() => cpuSeconds(pid), "HTTP JSONEachRow", () =>
          client.exec({
            query: `INSERT INTO ${table} FORMAT JSONEachRow`,
            values: Readable.from([Buffer.from(body)]),
            // The sink's settings: one block per insert, a deduplication token.
            clickhouse_settings: {
              insert_deduplication_token: `bench-${run}`,
              max_insert_block_size: "10000000",
            },
          }).then((r) => r.stream.resume())),
      );
      await checkCount(
        async () =>
          (await (await client.query({
            query: `SELECT count() AS c FROM ${table}`,
            format: "JSONEachRow",
          })).json<{ c: number }>())[0]?.c,
        rows,
      );
    }
    return samples;
  } finally {
    await client.close();
    await stopClickHouse(dataDir);
  }
}

async function inProcessRuns(
  root: string,
  body: Uint8Array,
  rows: number,
  runs: number,
): Promise<Sample[]> {
  const ddl = await eventsDdl();
  const session = new Session(`${root}/inproc`, {
    connectionArgs: ["--implicit_select=0", "--async_load_databases=0"],
  });
  const self = () => cpuSeconds(Deno.pid);
  try {
    const samples: Sample[] = [];
    for (let run = 0; run < runs; run++) {
      const raw = `bench_raw_${run}`;
      const infile = `bench_infile_${run}`;
      session.query(ddl(raw));
      session.query(ddl(infile));
      const a = await timed(
        self,
        "raw insert API",
        () => session.insert({ table: raw, values: body, format: "JSONEachRow" }),
      );
      const path = `${root}/rows_${run}.json`;
      const b = await timed(self, "FROM INFILE", async () => {
        await Deno.writeFile(path, body);
        await session.queryAsync(
          `INSERT INTO ${infile} FROM INFILE '${path}' COMPRESSION 'none' FORMAT JSONEachRow`,
        );
      });
      await Deno.remove(path);
      for (const table of [raw, infile]) {
        await checkCount(
          () =>
            Promise.resolve(
              Number(session.query(`SELECT count() FROM ${table}`, "TabSeparated").trim()),
            ),
          rows,
        );
      }
      samples.push(a.wallS <= b.wallS ? a : b);
    }
    return samples;
  } finally {
    session.close();
  }
}

async function checkCount(read: () => Promise<number | undefined>, rows: number): Promise<void> {
  const count = Number(await read());
  if (count !== rows) throw new Error(`Expected ${rows} rows after the insert, found ${count}`);
}

if (import.meta.main) {
  const { rows, runs } = argsOrExit(
    CLICKHOUSE_INSERT_USAGE,
    () => parseClickHouseInsertArgs(Deno.args),
  );
  const body = eventsBody(rows);
  const root = await Deno.makeTempDir({ prefix: "clickhouse_bench_" });
  try {
    const http = await standInRuns(root, body, rows, runs);
    const local = await inProcessRuns(root, body, rows, runs);
    console.log(
      `rows: ${rows} (${(body.length / 1e6).toFixed(1)} MB JSONEachRow, ${
        Math.round(body.length / rows)
      } B/row), runs: ${runs}`,
    );
    const ratios = http.map((h, i) => local[i]!.wallS / h.wallS);
    http.forEach((h, i) => {
      const l = local[i]!;
      console.log(
        `run ${i + 1}: stand-in ${h.wallS.toFixed(2)} s (cpu ${
          (h.cpuS / rows * 1e6).toFixed(0)
        } µs/row), ` +
          `chdb in-process ${l.wallS.toFixed(2)} s via ${l.how} (cpu ${
            (l.cpuS / rows * 1e6).toFixed(0)
          } µs/row): ${(ratios[i]! * 100).toFixed(0)}%`,
      );
    });
    const httpRate = rows / median(http.map((s) => s.wallS));
    const localRate = rows / median(local.map((s) => s.wallS));
    const cpu = (s: Sample[]) => (median(s.map((x) => x.cpuS)) / rows * 1e6).toFixed(0);
    console.log(
      `stand-in: ${Math.round(httpRate)} rows/s (cpu ${cpu(http)} µs/row) vs chdb in-process ${
        Math.round(localRate)
      } rows/s ` +
        `(cpu ${cpu(local)} µs/row): ${(median(ratios) * 100).toFixed(0)}% of baseline ` +
        `(runs ${ratios.map((r) => `${(r * 100).toFixed(0)}%`).join(", ")})`,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}
