import { assertEquals } from "./_assert.ts";
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
  assertEquals(e.code, 60);
  assertEquals(e.type, "UNKNOWN_TABLE");
  assertEquals(e.message, "Unknown table 'x'. Maybe you meant y?");
  assertEquals(
    exceptionBody(e, "26.7.2.1"),
    "Code: 60. DB::Exception: Unknown table 'x'. Maybe you meant y?. (UNKNOWN_TABLE) (version 26.7.2.1)\n",
  );
});

Deno.test("toClickHouseException() reports foreign failures as STD_EXCEPTION", () => {
  const e = toClickHouseException(new TypeError("boom"));
  assertEquals([e.code, e.type, e.message], [1001, "STD_EXCEPTION", "boom"]);
});

Deno.test("httpStatusFor() maps exception types as clickhouse-server does", () => {
  const status = (type: string) => httpStatusFor(new ClickHouseException(0, type, ""));
  assertEquals(status("SYNTAX_ERROR"), 400);
  assertEquals(status("CANNOT_PARSE_TEXT"), 400);
  assertEquals(status("UNKNOWN_TABLE"), 404);
  assertEquals(status("UNKNOWN_SETTING"), 404);
  assertEquals(status("AUTHENTICATION_FAILED"), 403);
  assertEquals(status("TIMEOUT_EXCEEDED"), 408);
  assertEquals(status("TABLE_ALREADY_EXISTS"), 500);
});
