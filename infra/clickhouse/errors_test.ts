import assert from "node:assert/strict";
import {
  ClickHouseException,
  exceptionBody,
  httpStatusFor,
  toClickHouseException,
} from "./errors.ts";

Deno.test("toClickHouseException() reads code, message and type from chdb's error text", () => {
  const e = toClickHouseException(
    new Error(
      "Query failed: Code: 60. DB::Exception: Unknown table 'x'. Maybe you meant y?. (UNKNOWN_TABLE)",
    ),
  );
  assert.deepEqual(e.code, 60);
  assert.deepEqual(e.type, "UNKNOWN_TABLE");
  assert.deepEqual(e.message, "Unknown table 'x'. Maybe you meant y?");
  assert.deepEqual(
    exceptionBody(e, "26.7.2.1"),
    "Code: 60. DB::Exception: Unknown table 'x'. Maybe you meant y?. (UNKNOWN_TABLE) (version 26.7.2.1)\n",
  );
});

Deno.test("toClickHouseException() reports foreign failures as STD_EXCEPTION", () => {
  const e = toClickHouseException(new TypeError("boom"));
  assert.deepEqual([e.code, e.type, e.message], [1001, "STD_EXCEPTION", "boom"]);
});

Deno.test("httpStatusFor() maps exception types as clickhouse-server does", () => {
  const status = (type: string) => httpStatusFor(new ClickHouseException(0, type, ""));
  assert.deepEqual(status("SYNTAX_ERROR"), 400);
  assert.deepEqual(status("CANNOT_PARSE_TEXT"), 400);
  assert.deepEqual(status("UNKNOWN_TABLE"), 404);
  assert.deepEqual(status("UNKNOWN_SETTING"), 404);
  assert.deepEqual(status("AUTHENTICATION_FAILED"), 403);
  assert.deepEqual(status("TIMEOUT_EXCEEDED"), 408);
  assert.deepEqual(status("TABLE_ALREADY_EXISTS"), 500);
});
