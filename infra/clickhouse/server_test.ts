import assert from "node:assert/strict";
import { Readable } from "node:stream";
import {
  type ClickHouseClient,
  ClickHouseError,
  ClickHouseLogLevel,
  createClient,
} from "@clickhouse/client";
import {
  startClickHouse,
  type StartClickHouseOptions,
  stopClickHouse,
  waitClickHouseReady,
} from "./mod.ts";
import { freePort } from "../../shared/process/mod.ts";

interface TestServer extends AsyncDisposable {
  url: string;
  dataDir: string;
  /** The writer's and the read-only reader's credentials. */
  writer: { username: string; password: string };
  reader: { username: string; password: string };
  /** A client, as the writer unless `options` names other credentials. */
  client(options?: Parameters<typeof createClient>[0]): ClickHouseClient;
  /** Basic auth header of the writer, for the few raw HTTP checks (GET, Host). */
  auth(who?: { username: string; password: string }): Record<string, string>;
  restart(): Promise<void>;
}

// A server process of our own on a free port and a temp data dir, removed afterwards, with a
// writer and a read-only reader (the stack's two users).
async function startTestServer(
  limits?: StartClickHouseOptions["limits"],
): Promise<TestServer> {
  const root = await Deno.makeTempDir({ prefix: "clickhouse_standin_test_" });
  const dataDir = `${root}/data`;
  const logFile = `${root}/server.log`;
  const usersFile = `${root}/users.json`;
  const writer = { username: "test_writer", password: crypto.randomUUID() };
  const reader = { username: "test_reader", password: crypto.randomUUID() };
  await Deno.writeTextFile(
    usersFile,
    JSON.stringify({
      users: {
        [writer.username]: { password: writer.password },
        [reader.username]: { password: reader.password, readonly: 2 },
      },
    }),
  );
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const clients: ClickHouseClient[] = [];
  const start = async () => {
    await startClickHouse({ dataDir, port, logFile, usersFile, limits });
    await waitClickHouseReady(url, 60_000).catch(async (error) => {
      console.error(await Deno.readTextFile(logFile).catch(() => ""));
      throw error;
    });
  };
  await start();
  return {
    url,
    dataDir,
    writer,
    reader,
    client(options) {
      // Expected failures would otherwise be logged by the client as errors.
      const client = createClient({
        url,
        log: { level: ClickHouseLogLevel.OFF },
        ...writer,
        ...options,
      });
      clients.push(client);
      return client;
    },
    auth(who = writer) {
      return { authorization: `Basic ${btoa(`${who.username}:${who.password}`)}` };
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

/** The ClickHouse error `run` fails with: [code, type, HTTP status when known]. */
async function failure(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await run().then(() => null, (e) => e);
  assert.ok(error instanceof ClickHouseError, `expected a ClickHouseError, got ${error}`);
  return { code: error.code, message: error.message };
}

/** A GET with exactly these headers over a plain socket; the whole response as text. */
async function rawGet(
  base: string,
  path: string,
  headers: Record<string, string>,
): Promise<string> {
  const url = new URL(base);
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const lines = [`GET ${path} HTTP/1.1`, "connection: close"];
  if (!Object.keys(headers).some((h) => h.toLowerCase() === "host")) {
    lines.push(`host: ${url.host}`);
  }
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  await conn.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
  return await new Response(conn.readable).text();
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
    const raw = await fetch(`${server.url}/?query=SELECT+*+FROM+test_no_such_table`, {
      headers: server.auth(),
    });
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
    const get = await fetch(`${server.url}/?query=SELECT+2`, { headers: server.auth() });
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

Deno.test("clickhouse stand-in: users, read-only access and disabled table functions", async (t) => {
  await using server = await startTestServer();
  const writer = server.client();
  const reader = server.client(server.reader);
  const table = testTable();
  await writer.command({
    query: `CREATE TABLE ${table} (id UInt32) ENGINE = MergeTree ORDER BY id`,
  });
  const count = async () => {
    const rs = await writer.query({
      query: `SELECT count() AS c FROM ${table}`,
      format: "JSONEachRow",
    });
    return ((await rs.json()) as { c: number }[])[0]?.c;
  };

  await t.step("no, wrong or unknown credentials are refused with 516 and HTTP 403", async () => {
    for (
      const credentials of [{}, { username: "default", password: "" }, {
        username: server.writer.username,
        password: "wrong",
      }, { username: "nobody", password: server.writer.password }]
    ) {
      const client = server.client({ username: "default", password: "", ...credentials });
      const { code, message } = await failure(() => client.query({ query: "SELECT 1" }));
      assert.equal(code, "516", message);
      assert.match(message, /Authentication failed: password is incorrect/);
    }
    const raw = await fetch(`${server.url}/?query=SELECT+1`);
    assert.equal(raw.status, 403);
    assert.equal(raw.headers.get("x-clickhouse-exception-code"), "516");
    await raw.body?.cancel();
    const ping = await fetch(`${server.url}/ping`);
    assert.equal(await ping.text(), "Ok.\n", "/ping needs no credentials");
  });

  await t.step("the reader reads but every write or DDL is refused with 164 READONLY", async () => {
    await writer.insert({ table, values: [{ id: 1 }], format: "JSONEachRow" });
    const rs = await reader.query({
      query: `SELECT sum(id) AS s FROM ${table}`,
      format: "JSONEachRow",
    });
    assert.deepEqual(await rs.json(), [{ s: 1 }]);
    const writes = [
      () => reader.insert({ table, values: [{ id: 2 }], format: "JSONEachRow" }),
      () => reader.command({ query: `INSERT INTO ${table} VALUES (3)` }),
      () => reader.command({ query: `DROP TABLE ${table}` }),
      () => reader.command({ query: `CREATE TABLE ${table}_x (a UInt8) ENGINE = Memory` }),
      () => reader.command({ query: `ALTER TABLE ${table} DELETE WHERE 1` }),
      () => reader.command({ query: `TRUNCATE TABLE ${table}` }),
      () => reader.command({ query: "SET max_threads = 1" }),
      () => reader.command({ query: "SYSTEM FLUSH LOGS" }),
      // A client may not lift its own read-only level.
      () => reader.query({ query: "SELECT 1", clickhouse_settings: { readonly: "0" } }),
    ];
    for (const write of writes) {
      const { code, message } = await failure(write);
      assert.equal(code, "164", message);
      assert.match(
        message,
        /test_reader: Cannot (execute query|modify 'readonly' setting) in readonly mode/,
      );
    }
    assert.equal(await count(), 1);
    const raw = await fetch(`${server.url}/`, {
      method: "POST",
      body: `INSERT INTO ${table} VALUES (4)`,
      headers: server.auth(server.reader),
    });
    assert.deepEqual([raw.status, raw.headers.get("x-clickhouse-exception-code")], [500, "164"]);
    await raw.body?.cancel();
  });

  await t.step("GET and readonly=1 requests of the writer are read-only", async () => {
    const get = await fetch(
      `${server.url}/?query=${encodeURIComponent(`INSERT INTO ${table} VALUES (5)`)}`,
      { headers: server.auth() },
    );
    assert.equal(get.headers.get("x-clickhouse-exception-code"), "164");
    assert.match(await get.text(), /method GET implies readonly/);
    const { code } = await failure(() =>
      writer.command({
        query: `INSERT INTO ${table} VALUES (6)`,
        clickhouse_settings: { readonly: "1" },
      })
    );
    assert.equal(code, "164");
    assert.equal(await count(), 1);
  });

  await t.step("file, url, remote-style functions, engines and OUTFILE are refused", async () => {
    const denied = [
      "SELECT * FROM file('/etc/passwd', 'LineAsString')",
      "SELECT file('/etc/hostname')",
      "SELECT * FROM `file`('/etc/passwd', 'LineAsString')",
      "select * from FILE ( '/etc/passwd' , 'LineAsString' )",
      "SELECT * FROM url('http://127.0.0.1:1/', 'LineAsString')",
      "SELECT * FROM s3('http://127.0.0.1:1/x.csv')",
      "SELECT * FROM remote('127.0.0.1:9000', system.one)",
      "SELECT * FROM postgresql('127.0.0.1:5432', 'db', 't', 'u', 'p')",
      "SELECT * FROM executable('cat /etc/passwd', 'LineAsString', 'x String')",
      "SELECT 1 /* comment */ INTO OUTFILE '/tmp/eventflow_outfile_test'",
      `INSERT INTO ${table} FROM INFILE '/etc/passwd' FORMAT TSV`,
      `CREATE TABLE ${table}_f (s String) ENGINE = File(LineAsString, '/etc/passwd')`,
      `INSERT INTO FUNCTION file('/tmp/eventflow_file_test', 'TSV', 'a UInt8') SELECT 1`,
    ];
    for (const query of denied) {
      const { code, message } = await failure(() => writer.command({ query }));
      assert.equal(code, "497", `${query}: ${message}`);
      assert.match(message, /is disabled on this server/);
    }
  });

  await t.step("user SQL cannot read the spool of request bodies", async () => {
    const spool = `${server.dataDir}/eventflow_spool`;
    assert.equal((await Deno.stat(spool)).mode! & 0o777, 0o700);
    for (
      const query of [
        `INSERT INTO ${table} FROM INFILE '${spool}/x.rows' COMPRESSION 'none' FORMAT TSV`,
        `SELECT * FROM file('${spool}/*.rows', 'LineAsString')`,
      ]
    ) {
      const { code, message } = await failure(() => writer.command({ query }));
      assert.equal(code, "497", `${query}: ${message}`);
    }
    assert.deepEqual(await Array.fromAsync(Deno.readDir(spool)), [], "no body is left behind");
  });

  await t.step(
    "one statement per request: nothing after it runs, whatever the format",
    async () => {
      const multi = await failure(() => writer.command({ query: `SELECT 1; DROP TABLE ${table}` }));
      assert.equal(multi.code, "62");
      assert.match(multi.message, /Multi-statements are not allowed/);
      const values = await failure(() =>
        writer.command({ query: `INSERT INTO ${table} VALUES (7); DROP TABLE ${table}` })
      );
      assert.equal(values.code, "62");
      // A blank line would end JSONEachRow data in the embedded engine and run the rest as SQL;
      // it is dropped, so the rest is data, and bad data.
      const smuggled = await failure(() =>
        writer.exec({
          query: `INSERT INTO ${table} FORMAT JSONEachRow`,
          values: Readable.from([`{"id":8}\n\nDROP TABLE ${table}\n`]),
        })
      );
      assert.equal(smuggled.code, "27");
      const tsv = await failure(() =>
        writer.exec({
          query: `INSERT INTO ${table} FORMAT TSV`,
          values: Readable.from([`9\n\nDROP TABLE ${table}\n`]),
        })
      );
      // The body is spooled and read by the TSV reader, never by the SQL lexer: the blank line
      // is bad data, and nothing after it runs.
      assert.equal(tsv.code, "27");
      assert.match(tsv.message, /Cannot parse input/);
      await writer.insert({ table, values: [{ id: 10 }], format: "JSONEachRow" });
      assert.equal(await count(), 2, "the table is still there and only real rows were added");
    },
  );

  await t.step("cross-origin requests and foreign Host names are refused with 403", async () => {
    const page = server.client({ http_headers: { Origin: "https://evil.example" } });
    const origin = await failure(() => page.query({ query: "SELECT 1" }));
    assert.equal(origin.code, "497");
    assert.match(origin.message, /Cross-origin request from "https:\/\/evil\.example" refused/);
    const local = server.client({ http_headers: { Origin: "http://localhost:3000" } });
    assert.equal(await (await local.query({ query: "SELECT 1", format: "CSV" })).text(), "1\n");
    // fetch() does not let a caller choose Host, which is the point of DNS rebinding: a page on
    // attacker.example whose name now resolves to 127.0.0.1. Sent by hand instead.
    const rebound = await rawGet(server.url, "/?query=SELECT+1", {
      ...server.auth(),
      host: "attacker.example:8123",
    });
    assert.match(rebound, /^HTTP\/1\.1 403 /);
    assert.match(rebound, /x-clickhouse-exception-code: 497/i);
    assert.match(rebound, /Host "attacker\.example:8123" is not allowed/);
    assert.match(await rawGet(server.url, "/?query=SELECT+1", server.auth()), /^HTTP\/1\.1 200 /);
  });

  await writer.command({ query: `DROP TABLE ${table}` });
});

Deno.test("clickhouse stand-in: per-query limits, a bounded queue and abandoned requests", async (t) => {
  await using server = await startTestServer({
    maxExecutionTime: 2,
    maxMemoryUsage: 200_000_000,
    maxQueued: 2,
  });
  const client = server.client();
  const slow = "SELECT count() FROM numbers(100000000000)";

  await t.step("a query running past max_execution_time is stopped by the engine", async () => {
    const { code, message } = await failure(() => client.query({ query: slow }));
    assert.equal(code, "159", message);
    const raw = await fetch(`${server.url}/`, {
      method: "POST",
      body: slow,
      headers: server.auth(),
    });
    assert.deepEqual([raw.status, raw.headers.get("x-clickhouse-exception-code")], [408, "159"]);
    await raw.body?.cancel();
  });

  await t.step("a query using more than max_memory_usage is stopped", async () => {
    const { code } = await failure(() =>
      client.query({ query: "SELECT length(repeat('x', 400000000))" })
    );
    assert.equal(code, "241");
  });

  await t.step("a request may lower the limits, never raise or remove them", async () => {
    for (
      const settings of [{ max_execution_time: 0 }, { max_execution_time: 3600 }, {
        max_memory_usage: "0",
      }]
    ) {
      const { code, message } = await failure(() =>
        client.query({ query: "SELECT 1", clickhouse_settings: settings })
      );
      assert.equal(code, "452", message);
    }
    for (const query of [`${slow} SETTINGS max_execution_time = 0`, "SET max_execution_time = 0"]) {
      const { code } = await failure(() => client.command({ query }));
      assert.equal(code, "452", query);
    }
    const lower = await client.query({
      query: "SELECT getSetting('max_execution_time') AS t",
      format: "JSONEachRow",
      clickhouse_settings: { max_execution_time: 1 },
    });
    assert.deepEqual(await lower.json(), [{ t: 1 }]);
  });

  await t.step(
    "the queue is bounded, waits are bounded and abandoned waits never run",
    async () => {
      const table = testTable();
      await client.command({ query: `CREATE TABLE ${table} (id UInt32) ENGINE = Memory` });
      // Only the order of arrival matters here; the pauses let each request reach the queue.
      const pause = () => new Promise((resolve) => setTimeout(resolve, 200));
      const first = failure(() => client.query({ query: slow }));
      await pause();
      // Queued behind the slow query, then its client leaves: it frees its place, never runs.
      const abandon = new AbortController();
      const leaving = client.command({
        query: `INSERT INTO ${table} VALUES (1)`,
        abort_signal: abandon.signal,
      }).catch((e) => e);
      await pause();
      abandon.abort();
      await pause();
      const second = failure(() => client.query({ query: slow }));
      await pause();
      const third = failure(() => client.query({ query: "SELECT 1" }));
      await pause();
      // Two wait already (max_queued 2): refused at once.
      const refused = await failure(() => client.query({ query: "SELECT 2" }));
      assert.equal(refused.code, "202", refused.message);
      assert.match(refused.message, /Too many simultaneous queries\. Maximum: 2/);
      for (const slowOne of [await first, await second]) {
        assert.equal(slowOne.code, "159", slowOne.message);
        assert.match(slowOne.message, /Timeout exceeded: elapsed/);
      }
      // It waited for both slow queries, longer than a query may run: answered without running.
      const waited = await third;
      assert.equal(waited.code, "159", waited.message);
      assert.match(waited.message, /waited \d+ ms for the engine, maximum: 2000 ms/);
      await leaving;
      const rs = await client.query({
        query: `SELECT count() AS c FROM ${table}`,
        format: "JSONEachRow",
      });
      assert.deepEqual(await rs.json(), [{ c: 0 }]);
      await client.command({ query: `DROP TABLE ${table}` });
    },
  );
});
