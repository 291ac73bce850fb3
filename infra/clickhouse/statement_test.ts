import assert from "node:assert/strict";
import { sha256Hex, type User } from "./access.ts";
import { ClickHouseException } from "./errors.ts";
import { checkStatement, guardInlineData, infileInsert } from "./statement.ts";

const LIMITS = { maxExecutionTime: 60, maxMemoryUsage: 1_000_000 };
const writer: User = { name: "w", passwordSha256: await sha256Hex("secret"), readonly: 0 };
const reader: User = { ...writer, name: "r", readonly: 2 };

function code(run: () => unknown): number | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ClickHouseException) return error.code;
    throw error;
  }
  return undefined;
}

Deno.test("checkStatement() tells reads from writes and finds denied functions outside strings", () => {
  const opts = { user: reader, readonly: 2 as const, method: "POST", limits: LIMITS };
  for (const read of ["SELECT 1", "WITH 1 AS x SELECT x", "SHOW TABLES", "EXPLAIN SELECT 1"]) {
    assert.equal(checkStatement(read, opts).readsOnly, true, read);
  }
  for (const write of ["INSERT INTO t FORMAT Values", "DROP TABLE t", "SET max_threads = 1"]) {
    assert.equal(code(() => checkStatement(write, opts)), 164, write);
  }
  const any = { ...opts, user: writer, readonly: 0 as const };
  assert.equal(code(() => checkStatement("SELECT 'file(\\'/etc/passwd\\')', url", any)), undefined);
  assert.equal(
    code(() => checkStatement("CREATE TABLE file (`a` UInt8) ENGINE = Memory", any)),
    undefined,
  );
  assert.equal(code(() => checkStatement("SELECT * FROM S3Cluster('c', 'x')", any)), 497);
  assert.equal(code(() => checkStatement("SELECT 1 SETTINGS max_execution_time = 0", any)), 452);
  assert.equal(
    code(() => checkStatement("SELECT 1 SETTINGS allow_introspection_functions = 1", any)),
    452,
  );
});

Deno.test("guardInlineData() keeps INSERT data from turning into statements", () => {
  const json = "INSERT INTO t FORMAT JSONEachRow";
  assert.equal(
    guardInlineData(`${json}\n{"a":1}\n\n \nDROP TABLE t\n`, json),
    `${json}\n{"a":1}\nDROP TABLE t\n`,
  );
  assert.equal(
    code(() =>
      guardInlineData("INSERT INTO t FORMAT CSV\n1\n\nDROP TABLE t", "INSERT INTO t FORMAT CSV")
    ),
    36,
  );
  const values = "INSERT INTO t FORMAT Values";
  assert.equal(guardInlineData("INSERT INTO t VALUES (1);", values), "INSERT INTO t VALUES (1);");
  assert.equal(code(() => guardInlineData("INSERT INTO t VALUES (1); DROP TABLE t", values)), 62);
  assert.equal(
    guardInlineData("SELECT 1\n\n", "SELECT 1"),
    "SELECT 1\n\n",
    "not an INSERT with data",
  );
});

Deno.test("infileInsert() reads a plain body insert from the spool file, nothing else", () => {
  assert.deepEqual(
    infileInsert("INSERT INTO db.`t 2` (a, `b c`) FORMAT JSONEachRow", "/s/x.rows"),
    "INSERT INTO db.`t 2` (a, `b c`) FROM INFILE '/s/x.rows' COMPRESSION 'none' FORMAT JSONEachRow",
  );
  for (
    const other of [
      "INSERT INTO t FORMAT Values",
      "INSERT INTO t SETTINGS x = 1 FORMAT TSV",
      "INSERT INTO FUNCTION `null`('a UInt8') FORMAT TSV",
      "INSERT INTO t (*) FORMAT TSV",
      "INSERT INTO t (a) SELECT 1 FORMAT TSV",
      "INSERT INTO t FROM INFILE '/etc/passwd' FORMAT TSV",
    ]
  ) assert.deepEqual(infileInsert(other, "/s/x.rows"), undefined, other);
});
