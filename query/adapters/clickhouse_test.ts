import assert from "node:assert/strict";
import { createClickHouse } from "../../shared/clickhouse/mod.ts";
import { TEST_ENV } from "../../shared/testing/stores.ts";
import { fromClickHouse } from "../core/errors.ts";
import { createExecutor } from "./clickhouse.ts";

function client() {
  const ch = createClickHouse({
    url: TEST_ENV.CLICKHOUSE_URL,
    database: TEST_ENV.CLICKHOUSE_DATABASE,
    username: TEST_ENV.CLICKHOUSE_READER_USER,
    password: TEST_ENV.CLICKHOUSE_READER_PASSWORD,
  });
  return Object.assign(ch, { [Symbol.asyncDispose]: () => ch.close() });
}

Deno.test("a query past its time limit fails as QUERY_TIMEOUT (504)", async () => {
  await using ch = client();
  const exec = createExecutor(ch, { maxExecutionSeconds: 1, maxMemoryBytes: 2 ** 30 })();
  const error = await exec({ sql: "SELECT sleepEachRow(0.6) FROM numbers(3)", params: {} }).then(
    () => null,
    (e) => e,
  );
  const mapped = fromClickHouse(error);
  assert.deepEqual([mapped.status, mapped.code], [504, "QUERY_TIMEOUT"]);
});

Deno.test("a query past its memory limit fails as QUERY_MEMORY_LIMIT (503)", async () => {
  await using ch = client();
  const exec = createExecutor(ch, { maxExecutionSeconds: 10, maxMemoryBytes: 4 * 1024 * 1024 })();
  const error = await exec({
    sql: "SELECT groupArray(toString(number)) FROM numbers(2000000)",
    params: {},
  }).then(() => null, (e) => e);
  const mapped = fromClickHouse(error);
  assert.deepEqual([mapped.status, mapped.code], [503, "QUERY_MEMORY_LIMIT"]);
});

Deno.test("an aborted request sends no query, and values reach ClickHouse only as parameters", async () => {
  await using ch = client();
  const sent: string[] = [];
  const executor = createExecutor(ch, {
    maxExecutionSeconds: 10,
    maxMemoryBytes: 2 ** 30,
    onQuery: (q) => sent.push(q.sql),
  });
  const controller = new AbortController();
  controller.abort(new Error("client went away"));
  await assert.rejects(executor(controller.signal)({ sql: "SELECT 1", params: {} }), /went away/);
  assert.equal(sent.length, 0);
  const hostile = "x'); DROP TABLE events; --";
  const rows = await executor()<{ v: string }>({
    sql: "SELECT {v:String} AS v",
    params: { v: hostile },
  });
  assert.deepEqual(rows, [{ v: hostile }]);
});
