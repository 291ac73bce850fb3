/**
 * One-run insert benchmark: JSONEachRow rows/s through the stand-in's HTTP interface (via
 * @clickhouse/client) versus chdb's own in-process raw insert of the same bytes.
 *
 * `deno run -A bench/clickhouse/insert.ts [rows=100000]`
 * @module
 */

import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { Session } from "chdb";
import { argsOrExit } from "../../shared/cli.ts";
import { CLICKHOUSE_INSERT_USAGE, parseClickHouseInsertArgs } from "../args.ts";
import {
  startClickHouse,
  stopClickHouse,
  waitClickHouseReady,
} from "../../infra/clickhouse/mod.ts";

const TABLE_DDL = (name: string) =>
  `CREATE TABLE ${name} (event_id String, ts DateTime64(3), user_id UInt64, name String,
    props String) ENGINE = MergeTree ORDER BY (name, ts)`;

function makeRows(count: number) {
  const base = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => ({
    event_id: crypto.randomUUID(),
    ts: new Date(base + i * 10).toISOString().replace("T", " ").slice(0, 23),
    user_id: i % 5000,
    name: ["page_view", "click", "signup", "purchase"][i % 4]!,
    props: JSON.stringify({ path: `/p/${i % 100}`, ref: "bench" }),
  }));
}

if (import.meta.main) {
  const { rows: count } = argsOrExit(
    CLICKHOUSE_INSERT_USAGE,
    () => parseClickHouseInsertArgs(Deno.args),
  );
  const rows = makeRows(count);
  const body = new TextEncoder().encode(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const root = await Deno.makeTempDir({ prefix: "clickhouse_bench_" });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  try {
    const password = crypto.randomUUID();
    const usersFile = `${root}/users.json`;
    await Deno.writeTextFile(usersFile, JSON.stringify({ users: { bench: { password } } }));
    await startClickHouse({
      dataDir: `${root}/server`,
      port,
      logFile: `${root}/server.log`,
      usersFile,
    });
    await waitClickHouseReady(`http://127.0.0.1:${port}`, 60_000);
    const client = createClient({
      url: `http://127.0.0.1:${port}`,
      username: "bench",
      password,
      log: { level: ClickHouseLogLevel.OFF },
    });
    await client.command({ query: TABLE_DDL("bench_http") });
    let started = performance.now();
    await client.insert({ table: "bench_http", values: rows, format: "JSONEachRow" });
    const httpSec = (performance.now() - started) / 1000;
    const check = await client.query({
      query: "SELECT count() AS c FROM bench_http",
      format: "JSONEachRow",
    });
    const httpCount = (await check.json<{ c: number }>())[0]?.c;
    await client.close();
    await stopClickHouse(`${root}/server`);

    const session = new Session(`${root}/inproc`);
    session.query(TABLE_DDL("bench_local"));
    started = performance.now();
    await session.insert({ table: "bench_local", values: body, format: "JSONEachRow" });
    const localSec = (performance.now() - started) / 1000;
    const localCount = session.query("SELECT count() FROM bench_local", "TabSeparated").trim();
    session.close();

    const httpRate = count / httpSec;
    const localRate = count / localSec;
    console.log(`rows: ${count} (${(body.length / 1e6).toFixed(1)} MB JSONEachRow)`);
    console.log(
      `stand-in HTTP: ${httpSec.toFixed(2)} s, ${Math.round(httpRate)} rows/s (count ${httpCount})`,
    );
    console.log(
      `chdb in-process: ${localSec.toFixed(2)} s, ${
        Math.round(localRate)
      } rows/s (count ${localCount})`,
    );
    console.log(`ratio stand-in / in-process: ${(httpRate / localRate).toFixed(2)}`);
  } finally {
    await stopClickHouse(`${root}/server`);
    await Deno.remove(root, { recursive: true });
  }
}
