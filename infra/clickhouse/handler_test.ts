import assert from "node:assert/strict";
import { createLock, type Engine, type EngineResult } from "./engine.ts";
import { ClickHouseException } from "./errors.ts";
import { createHandler } from "./handler.ts";
import type { AccessPolicy } from "./access.ts";
import { openSpool, type Spool } from "./spool.ts";

// User "default" with the empty password (its SHA-256), so requests without credentials pass.
const TEST_ACCESS: AccessPolicy = {
  users: [{
    name: "default",
    passwordSha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    readonly: 0,
  }],
  limits: { maxExecutionTime: 60, maxMemoryUsage: 1e9 },
  allowedHosts: [],
};

// A fake engine that records statements and can be held busy.
function fakeEngine(answer: (sql: string) => string = () => "1\n") {
  const statements: string[] = [];
  const lock = createLock();
  let release: () => void = () => {};
  let busy: Promise<void> = Promise.resolve();
  const engine: Engine = {
    version: "26.7.2.1",
    exclusive: (work) =>
      lock(() =>
        work({
          async query(sql: string): Promise<EngineResult> {
            await busy;
            // What the engine reads from a spooled body, in place of the file name.
            const infile = /FROM INFILE '([^']+)'/.exec(sql)?.[1];
            statements.push(
              infile === undefined
                ? sql
                : sql.replace(/FROM INFILE '[^']+'/, "FROM INFILE <spool>") + "\n" +
                  Deno.readTextFileSync(infile),
            );
            if (sql.startsWith("FAIL")) {
              throw new Error(
                "Query failed: Code: 62. DB::Exception: Syntax error. (SYNTAX_ERROR)",
              );
            }
            const bytes = new TextEncoder().encode(answer(sql));
            return { bytes, rowsRead: 1, bytesRead: 8, elapsedSec: 0.001 };
          },
          clearParams() {
            statements.push("<clear params>");
            return Promise.resolve();
          },
          formatQuery: (sql: string) => Promise.resolve(sql.replace(/\s+/g, " ").trim()),
        })
      ),
    close: () => Promise.resolve(),
  };
  return {
    engine,
    statements,
    hold() {
      busy = new Promise((resolve) => release = resolve);
    },
    release: () => release(),
  };
}

// A spool in a temp dir of the test's own, removed with it.
async function testSpool(): Promise<Spool & AsyncDisposable> {
  const root = await Deno.makeTempDir({ prefix: "clickhouse_handler_test_" });
  const spool = await openSpool(`${root}/spool`);
  return { ...spool, [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }) };
}

async function spoolFiles(spool: Spool): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(spool.dir))).map((e) => e.name);
}

Deno.test("handler answers /ping while the engine is busy", async () => {
  await using spool = await testSpool();
  const fake = fakeEngine();
  const handler = createHandler(fake.engine, TEST_ACCESS, { spool });
  fake.hold();
  const pending = handler(new Request("http://h/?query=SELECT+1"));
  const ping = await handler(new Request("http://h/ping"));
  assert.deepEqual([ping.status, await ping.text()], [200, "Ok.\n"]);
  fake.release();
  assert.deepEqual(await (await pending).text(), "1\n");
});

Deno.test("handler wraps the SQL in its settings, parameters and database", async () => {
  await using spool = await testSpool();
  const fake = fakeEngine();
  const handler = createHandler(fake.engine, TEST_ACCESS, { newQueryId: () => "qid", spool });
  const response = await handler(
    new Request("http://h/?database=db&param_x=1&max_threads=2", {
      method: "POST",
      body: "SELECT {x:UInt8} FORMAT JSONEachRow",
    }),
  );
  assert.deepEqual(response.headers.get("x-clickhouse-query-id"), "qid");
  assert.deepEqual(response.headers.get("x-clickhouse-format"), "JSONEachRow");
  // The default per-query limits come first; the request's own settings follow.
  assert.deepEqual(fake.statements, [
    "SET max_execution_time = '60', max_memory_usage = '1000000000', max_threads = '2'",
    "SET param_x = '1'",
    "USE `db`",
    "SELECT {x:UInt8} FORMAT JSONEachRow",
    "SET max_execution_time = DEFAULT, max_memory_usage = DEFAULT, max_threads = DEFAULT",
    "USE default",
    "<clear params>",
  ]);
});

Deno.test("handler splits a JSONEachRow insert body into whole-row spooled inserts", async () => {
  await using spool = await testSpool();
  const fake = fakeEngine(() => "");
  const handler = createHandler(fake.engine, TEST_ACCESS, { insertChunkBytes: 10, spool });
  const rows = Array.from({ length: 6 }, (_, i) => `{"i":${i}}\n`).join("");
  const query = encodeURIComponent("INSERT INTO t FORMAT JSONEachRow");
  const response = await handler(
    new Request(`http://h/?query=${query}`, {
      method: "POST",
      body: new Blob([rows]).stream().pipeThrough(new CompressionStream("gzip")),
      headers: { "content-encoding": "gzip" },
    }),
  );
  const summary = JSON.parse(response.headers.get("x-clickhouse-summary") ?? "{}");
  assert.deepEqual(summary.written_rows, "6");
  const inserts = fake.statements.filter((s) => !s.startsWith("SET "));
  assert.deepEqual(inserts.length > 1, true);
  const prefix = "INSERT INTO t FROM INFILE <spool> COMPRESSION 'none' FORMAT JSONEachRow\n";
  assert.deepEqual(inserts.every((s) => s.startsWith(prefix)), true);
  assert.deepEqual(inserts.map((s) => s.slice(prefix.length)).join(""), rows);
  assert.deepEqual(await spoolFiles(spool), [], "every spooled chunk is removed");
});

Deno.test("handler inserts a body with a deduplication token from one spooled file", async () => {
  await using spool = await testSpool();
  const fake = fakeEngine(() => "");
  const handler = createHandler(fake.engine, TEST_ACCESS, { insertChunkBytes: 10, spool });
  const rows = Array.from({ length: 6 }, (_, i) => `{"i":${i}}\n`).join("");
  const query = encodeURIComponent("INSERT INTO db.`t 2` (i) FORMAT JSONEachRow");
  const response = await handler(
    new Request(`http://h/?query=${query}&insert_deduplication_token=tok`, {
      method: "POST",
      body: rows,
    }),
  );
  assert.deepEqual(response.status, 200);
  assert.deepEqual(fake.statements.filter((s) => s.startsWith("INSERT")), [
    `INSERT INTO db.\`t 2\` (i) FROM INFILE <spool> COMPRESSION 'none' FORMAT JSONEachRow\n${rows}`,
  ]);
  assert.deepEqual(await spoolFiles(spool), []);
});

Deno.test("handler checks the statement of an insert whose body is empty", async () => {
  await using spool = await testSpool();
  const fake = fakeEngine(() => "");
  const handler = createHandler(fake.engine, TEST_ACCESS, { spool });
  const query = encodeURIComponent(
    "INSERT INTO FUNCTION file('/tmp/x', 'TSV', 'a UInt8') FORMAT TSV",
  );
  const response = await handler(
    new Request(`http://h/?query=${query}`, { method: "POST", body: "" }),
  );
  assert.deepEqual([response.status, response.headers.get("x-clickhouse-exception-code")], [
    403,
    "497",
  ]);
  assert.deepEqual(fake.statements, []);
});

Deno.test("handler removes the spooled file when the engine refuses the insert", async () => {
  await using spool = await testSpool();
  const handler = createHandler(fakeEngine().engine, TEST_ACCESS, { spool });
  const query = encodeURIComponent("INSERT INTO t FORMAT RowBinary");
  const response = await handler(
    new Request(`http://h/?query=${query}&readonly=1`, { method: "POST", body: "\x01\x02" }),
  );
  assert.deepEqual(response.headers.get("x-clickhouse-exception-code"), "164");
  assert.deepEqual(await spoolFiles(spool), []);
});

Deno.test("handler reports engine errors with status, code header and versioned body", async () => {
  await using spool = await testSpool();
  const handler = createHandler(fakeEngine().engine, TEST_ACCESS, { spool });
  const response = await handler(new Request("http://h/", { method: "POST", body: "FAIL" }));
  assert.deepEqual(response.status, 400);
  assert.deepEqual(response.headers.get("x-clickhouse-exception-code"), "62");
  assert.deepEqual(
    await response.text(),
    "Code: 62. DB::Exception: Syntax error. (SYNTAX_ERROR) (version 26.7.2.1)\n",
  );
});

Deno.test("handler rejects an empty query as clickhouse-server does", async () => {
  await using spool = await testSpool();
  const handler = createHandler(fakeEngine().engine, TEST_ACCESS, { spool });
  const response = await handler(new Request("http://h/", { method: "POST", body: "" }));
  assert.deepEqual([response.status, response.headers.get("x-clickhouse-exception-code")], [
    400,
    "62",
  ]);
  assert.deepEqual(new ClickHouseException(62, "SYNTAX_ERROR", "x").retriable, false);
});
