import assert from "node:assert/strict";
import {
  type ClickHouseClient,
  ClickHouseError,
  ClickHouseLogLevel,
  createClient,
} from "@clickhouse/client";
import { startClickHouse, stopClickHouse, waitClickHouseReady } from "./mod.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

interface TestServer extends AsyncDisposable {
  url: string;
  dataDir: string;
  client(options?: Parameters<typeof createClient>[0]): ClickHouseClient;
  restart(): Promise<void>;
}

// A server process of our own on a free port and a temp data dir, removed afterwards.
async function startTestServer(): Promise<TestServer> {
  const root = await Deno.makeTempDir({ prefix: "clickhouse_standin_test_" });
  const dataDir = `${root}/data`;
  const logFile = `${root}/server.log`;
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const clients: ClickHouseClient[] = [];
  const start = async () => {
    await startClickHouse({ dataDir, port, logFile });
    await waitClickHouseReady(url, 60_000).catch(async (error) => {
      console.error(await Deno.readTextFile(logFile).catch(() => ""));
      throw error;
    });
  };
  await start();
  return {
    url,
    dataDir,
    client(options) {
      // Expected failures would otherwise be logged by the client as errors.
      const client = createClient({ url, log: { level: ClickHouseLogLevel.OFF }, ...options });
      clients.push(client);
      return client;
    },
    async restart() {
      assert.deepEqual(await stopClickHouse(dataDir), true);
      await start();
    },
    async [Symbol.asyncDispose]() {
      for (const client of clients) await client.close();
      await stopClickHouse(dataDir);
      await Deno.remove(root, { recursive: true });
    },
  };
}

function testTable(): string {
  return `test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

// ClickHouse 25.8+ no longer quotes 64-bit integers in JSON by default; the engine is 26.x.
Deno.test("clickhouse stand-in serves @clickhouse/client like clickhouse-server", async (t) => {
  await using server = await startTestServer();
  const client = server.client();

  await t.step("ping() answers and /healthz says ok", async () => {
    assert.deepEqual((await client.ping()).success, true);
    const response = await fetch(`${server.url}/healthz`);
    assert.deepEqual([response.status, await response.text()], [200, "ok\n"]);
  });

  await t.step("MergeTree: command, insert, select with bound parameters", async () => {
    const table = testTable();
    await client.command({
      query: `CREATE TABLE ${table} (id UInt32, name String) ENGINE = MergeTree ORDER BY id`,
    });
    try {
      const inserted = await client.insert({
        table,
        values: [{ id: 1, name: "ann" }, { id: 2, name: "it's \\ bob" }, { id: 3, name: "cy" }],
        format: "JSONEachRow",
      });
      assert.deepEqual(inserted.summary?.written_rows, "3");
      const rs = await client.query({
        query:
          `SELECT id, name FROM ${table} WHERE name = {name:String} OR id > {n:UInt32} ORDER BY id`,
        query_params: { name: "it's \\ bob", n: 2 },
        format: "JSONEachRow",
      });
      assert.deepEqual(rs.query_id.length > 0, true);
      assert.deepEqual(await rs.json(), [{ id: 2, name: "it's \\ bob" }, { id: 3, name: "cy" }]);
      const arrays = await client.query({
        query: "SELECT {xs:Array(String)} AS xs",
        query_params: { xs: ["a'b", "c"] },
        format: "JSONEachRow",
      });
      assert.deepEqual(await arrays.json(), [{ xs: ["a'b", "c"] }]);
      // Parameters of one request must not leak into the next one.
      await assert.rejects(
        () => client.query({ query: "SELECT {name:String}", format: "JSONEachRow" }),
        (error) => {
          assert.ok(error instanceof ClickHouseError);
          assert.equal(error.code, "456");
          return true;
        },
      );
    } finally {
      await client.command({ query: `DROP TABLE ${table}` });
    }
  });

  await t.step("gzip request and response bodies", async () => {
    const gz = server.client({ compression: { request: true, response: true } });
    const table = testTable();
    await gz.command({ query: `CREATE TABLE ${table} (n UInt64) ENGINE = MergeTree ORDER BY n` });
    try {
      await gz.insert({
        table,
        values: Array.from({ length: 5000 }, (_, n) => ({ n })),
        format: "JSONEachRow",
      });
      const rs = await gz.query({
        query: `SELECT count() AS c, sum(n) AS s FROM ${table}`,
        format: "JSONEachRow",
      });
      assert.deepEqual(rs.response_headers["content-encoding"], "gzip");
      assert.deepEqual(await rs.json(), [{ c: 5000, s: 12497500 }]);
    } finally {
      await gz.command({ query: `DROP TABLE ${table}` });
    }
  });

  await t.step("concurrent queries both complete", async () => {
    const [a, b] = await Promise.all([
      client.query({
        query: "SELECT sum(number) AS s FROM numbers(3000000)",
        format: "JSONEachRow",
      }),
      client.query({
        query: "SELECT {v:String} AS v",
        query_params: { v: "x" },
        format: "JSONEachRow",
      }),
    ]);
    assert.deepEqual(await a.json(), [{ s: 4499998500000 }]);
    assert.deepEqual(await b.json(), [{ v: "x" }]);
  });

  await t.step("errors carry ClickHouse codes, statuses and bodies", async () => {
    await assert.rejects(
      () => client.query({ query: "SELEC 1", format: "JSONEachRow" }),
      (syntax) => {
        assert.ok(syntax instanceof ClickHouseError);
        // The client takes the first "(ABC)" of the message as the type ("SELEC" here), against
        // clickhouse-server too, so only the code is compared.
        assert.equal(syntax.code, "62");
        return true;
      },
    );
    await assert.rejects(
      () => client.query({ query: "SELECT * FROM test_no_such_table", format: "JSONEachRow" }),
      (table) => {
        assert.ok(table instanceof ClickHouseError);
        assert.deepEqual([table.code, table.type], ["60", "UNKNOWN_TABLE"]);
        return true;
      },
    );
    const raw = await fetch(`${server.url}/?query=SELECT+*+FROM+test_no_such_table`);
    const body = await raw.text();
    assert.deepEqual(raw.status, 404);
    assert.deepEqual(raw.headers.get("x-clickhouse-exception-code"), "60");
    assert.deepEqual(
      /^Code: 60\. DB::Exception: .*\(UNKNOWN_TABLE\) \(version 26\./.test(body),
      true,
    );
  });

  await t.step("ReplacingMergeTree collapses versions with FINAL", async () => {
    const table = testTable();
    await client.command({
      query: `CREATE TABLE ${table} (id UInt32, v UInt32, s String)
        ENGINE = ReplacingMergeTree(v) ORDER BY id`,
    });
    try {
      await client.insert({ table, values: [{ id: 1, v: 1, s: "old" }], format: "JSONEachRow" });
      await client.insert({ table, values: [{ id: 1, v: 2, s: "new" }], format: "JSONEachRow" });
      const rs = await client.query({
        query: `SELECT id, s FROM ${table} FINAL`,
        format: "JSONEachRow",
      });
      assert.deepEqual(await rs.json(), [{ id: 1, s: "new" }]);
    } finally {
      await client.command({ query: `DROP TABLE ${table}` });
    }
  });

  await t.step("insert_deduplication_token inserts a repeated batch once", async () => {
    const table = testTable();
    await client.command({
      query: `CREATE TABLE ${table} (id UInt32) ENGINE = MergeTree ORDER BY id
        SETTINGS non_replicated_deduplication_window = 100`,
    });
    try {
      for (let i = 0; i < 2; i++) {
        await client.insert({
          table,
          values: [{ id: 1 }, { id: 2 }],
          format: "JSONEachRow",
          clickhouse_settings: { insert_deduplication_token: "batch-1" },
        });
      }
      await client.insert({
        table,
        values: [{ id: 3 }],
        format: "JSONEachRow",
        clickhouse_settings: { insert_deduplication_token: "batch-2" },
      });
      const rs = await client.query({
        query: `SELECT count() AS c FROM ${table}`,
        format: "JSONEachRow",
      });
      assert.deepEqual(await rs.json(), [{ c: 3 }]);
    } finally {
      await client.command({ query: `DROP TABLE ${table}` });
    }
  });

  await t.step("exec() and GET queries return raw formats", async () => {
    const result = await client.exec({ query: "SELECT 1 AS one FORMAT TabSeparatedWithNames" });
    assert.deepEqual(await new Response(result.stream).text(), "one\n1\n");
    const get = await fetch(`${server.url}/?query=SELECT+2`);
    assert.deepEqual([get.headers.get("x-clickhouse-format"), await get.text()], [
      "TabSeparated",
      "2\n",
    ]);
  });

  await t.step("data survives a server restart", async () => {
    const table = testTable();
    await client.command({
      query: `CREATE TABLE ${table} (id UInt32) ENGINE = MergeTree ORDER BY id`,
    });
    await client.insert({ table, values: [{ id: 7 }, { id: 8 }], format: "JSONEachRow" });
    await server.restart();
    const rs = await client.query({
      query: `SELECT sum(id) AS s FROM ${table}`,
      format: "JSONEachRow",
    });
    assert.deepEqual(await rs.json(), [{ s: 15 }]);
    await client.command({ query: `DROP TABLE ${table}` });
  });
});
