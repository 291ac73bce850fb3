import assert from "node:assert/strict";
import { ClickHouseException } from "./errors.ts";
import {
  bodyInsert,
  contentTypeFor,
  joinQuery,
  outputFormat,
  parseRequest,
  planContext,
  quoteString,
} from "./request.ts";

const newQueryId = () => "generated-id";

function req(query: string, headers: HeadersInit = {}) {
  return parseRequest(new URL(`http://localhost:8123/?${query}`), new Headers(headers), {
    newQueryId,
  });
}

Deno.test("parseRequest() splits HTTP options, param_ values and settings", () => {
  const r = req(
    "query_id=q1&database=analytics&param_name=it%5C%27s&param_n=5&max_threads=2" +
      "&wait_end_of_query=1&enable_http_compression=1&session_id=s&default_format=JSONEachRow",
    { "accept-encoding": "gzip, deflate" },
  );
  assert.deepEqual(r.queryId, "q1");
  assert.deepEqual(r.database, "analytics");
  assert.deepEqual(r.params, { name: "it\\'s", n: "5" });
  assert.deepEqual(r.settings, { max_threads: "2" });
  assert.deepEqual(r.defaultFormat, "JSONEachRow");
  assert.deepEqual(r.gzipResponse, true);
});

Deno.test("parseRequest() keeps readonly apart from the settings, for access.ts to enforce", () => {
  const r = req("readonly=1&max_threads=2");
  assert.deepEqual([r.readonly, r.settings], ["1", { max_threads: "2" }]);
  assert.equal(req("max_threads=2").readonly, undefined);
});

Deno.test("parseRequest() compresses only when asked by setting and Accept-Encoding", () => {
  assert.deepEqual(req("enable_http_compression=1").gzipResponse, false);
  assert.deepEqual(
    req("enable_http_compression=0", { "accept-encoding": "gzip" }).gzipResponse,
    false,
  );
});

Deno.test("parseRequest() generates a query id and treats database=default as none", () => {
  const r = req("database=default");
  assert.deepEqual(r.queryId, "generated-id");
  assert.deepEqual(r.database, undefined);
  assert.deepEqual(r.defaultFormat, "TabSeparated");
});

Deno.test("parseRequest() takes multipart form fields like URL parameters", () => {
  const r = parseRequest(new URL("http://h/?query_id=q"), new Headers(), {
    newQueryId,
    form: [["query", "SELECT {v:String}"], ["param_v", "x"]],
  });
  assert.deepEqual(r.urlQuery, "SELECT {v:String}");
  assert.deepEqual(r.params, { v: "x" });
});

Deno.test("parseRequest() refuses a setting name that is not an identifier", () => {
  assert.throws(() => req("max%20threads=1"), (error) => {
    assert.ok(error instanceof ClickHouseException);
    assert.equal(error.code, 115);
    return true;
  });
});

Deno.test("quoteString() escapes quotes and backslashes", () => {
  assert.deepEqual(quoteString("it's a \\ test"), "'it\\'s a \\\\ test'");
});

Deno.test("planContext() sets settings, params and database, then restores defaults", () => {
  const plan = planContext(req("database=db1&param_s=a%27b&max_threads=2&max_block_size=9"));
  assert.deepEqual(plan.setup, [
    "SET max_threads = '2', max_block_size = '9'",
    "SET param_s = 'a\\'b'",
    "USE `db1`",
  ]);
  assert.deepEqual(plan.cleanup, [
    "SET max_threads = DEFAULT, max_block_size = DEFAULT",
    "USE default",
  ]);
  assert.deepEqual(plan.clearParams, true);
});

Deno.test("planContext() never sets readonly, which would block restoring the defaults", () => {
  assert.deepEqual(planContext(req("readonly=1")).setup, []);
});

Deno.test("planContext() is empty for a request without context", () => {
  assert.deepEqual(planContext(req("query=SELECT+1")), {
    setup: [],
    cleanup: [],
    clearParams: false,
  });
});

Deno.test("joinQuery() puts the URL query before the body", () => {
  assert.deepEqual(joinQuery("INSERT INTO t FORMAT CSV", "1,2"), "INSERT INTO t FORMAT CSV\n1,2");
  assert.deepEqual(joinQuery("", "SELECT 1"), "SELECT 1");
  assert.deepEqual(joinQuery("SELECT 1", ""), "SELECT 1");
});

Deno.test("outputFormat() reads a trailing FORMAT clause but not an INSERT's input format", () => {
  assert.deepEqual(outputFormat("SELECT 1 \nFORMAT JSONEachRow", "TabSeparated"), "JSONEachRow");
  assert.deepEqual(outputFormat("SELECT 1 format JSON;", "TabSeparated"), "JSON");
  assert.deepEqual(outputFormat("SELECT 1", "CSV"), "CSV");
  assert.deepEqual(
    outputFormat("INSERT INTO t FORMAT JSONEachRow", "TabSeparated"),
    "TabSeparated",
  );
});

Deno.test("bodyInsert() splits line formats unless a deduplication token is set", () => {
  const insert = "query=" + encodeURIComponent("INSERT INTO t (a) FORMAT JSONEachRow");
  const statement = "INSERT INTO t (a) FORMAT JSONEachRow";
  assert.deepEqual(bodyInsert(req(insert)), { statement, splittable: true });
  assert.deepEqual(bodyInsert(req(`${insert}&insert_deduplication_token=abc`)), {
    statement,
    splittable: false,
  });
  const csv = "query=" + encodeURIComponent("INSERT INTO t FORMAT CSV");
  assert.deepEqual(bodyInsert(req(csv)), {
    statement: "INSERT INTO t FORMAT CSV",
    splittable: false,
  });
  const values = "query=" + encodeURIComponent("INSERT INTO t FORMAT Values");
  assert.deepEqual(bodyInsert(req(values)), undefined);
  assert.deepEqual(bodyInsert(req("query=SELECT+1")), undefined);
});

Deno.test("contentTypeFor() follows clickhouse-server's content types", () => {
  assert.deepEqual(contentTypeFor("JSONEachRow"), "application/json; charset=UTF-8");
  assert.deepEqual(contentTypeFor("TabSeparated"), "text/tab-separated-values; charset=UTF-8");
  assert.deepEqual(contentTypeFor("Pretty"), "text/plain; charset=UTF-8");
});
