import assert from "node:assert/strict";
import {
  authenticate,
  checkHostAndOrigin,
  checkSettings,
  credentialsOf,
  effectiveReadonly,
  sha256Hex,
  type User,
} from "./access.ts";
import { ClickHouseException } from "./errors.ts";

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

Deno.test("checkHostAndOrigin() accepts loopback and allowed names, refuses the rest", () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  for (const host of ["127.0.0.1:8123", "localhost", "[::1]:8123", "ch.internal:8123"]) {
    assert.equal(code(() => checkHostAndOrigin(headers({ host }), ["ch.internal"])), undefined);
  }
  assert.equal(code(() => checkHostAndOrigin(headers({ host: "evil.example" }), [])), 497);
  for (const origin of ["https://evil.example", "null", "file:///x"]) {
    assert.equal(code(() => checkHostAndOrigin(headers({ host: "localhost", origin }), [])), 497);
  }
  assert.equal(
    code(() => checkHostAndOrigin(headers({ origin: "http://127.0.0.1:3000" }), [])),
    undefined,
  );
});

Deno.test("credentialsOf() reads Basic auth, X-ClickHouse headers and URL parameters", () => {
  const url = new URL("http://h/?user=u&password=p");
  assert.deepEqual(credentialsOf(url, new Headers()), { user: "u", password: "p" });
  assert.deepEqual(
    credentialsOf(new URL("http://h/"), new Headers({ authorization: `Basic ${btoa("a:b:c")}` })),
    { user: "a", password: "b:c" },
  );
  assert.deepEqual(
    credentialsOf(new URL("http://h/"), new Headers({ "x-clickhouse-user": "x" })),
    { user: "x", password: "" },
  );
});

Deno.test("authenticate() finds the user by name and password; anything else is 516", async () => {
  assert.equal((await authenticate([writer], { user: "w", password: "secret" })).name, "w");
  for (const presented of [{ user: "w", password: "" }, { user: "x", password: "secret" }]) {
    const error = await authenticate([writer], presented).catch((e) => e);
    assert.equal(error.code, 516);
  }
});

Deno.test("effectiveReadonly(): GET reads only; readonly users cannot lower their level", () => {
  assert.equal(effectiveReadonly(writer, { method: "POST" }), 0);
  assert.equal(effectiveReadonly(writer, { method: "GET" }), 2);
  assert.equal(effectiveReadonly(writer, { method: "POST", requested: "1" }), 1);
  assert.equal(effectiveReadonly(reader, { method: "POST", requested: "2" }), 2);
  assert.equal(code(() => effectiveReadonly(reader, { method: "POST", requested: "0" })), 164);
  assert.equal(code(() => effectiveReadonly(writer, { method: "POST", requested: "7" })), 36);
});

Deno.test("checkSettings() adds the default limits and refuses raising or removing them", () => {
  assert.deepEqual(
    checkSettings({ max_threads: "2" }, { user: writer, readonly: 0, limits: LIMITS }),
    {
      max_execution_time: "60",
      max_memory_usage: "1000000",
      max_threads: "2",
    },
  );
  const opts = { user: writer, readonly: 0 as const, limits: LIMITS };
  assert.equal(checkSettings({ max_execution_time: "5" }, opts).max_execution_time, "5");
  const bads: Record<string, string>[] = [
    { max_execution_time: "0" },
    { max_memory_usage: "2000000" },
    { max_execution_time: "x" },
  ];
  for (const bad of bads) {
    assert.equal(code(() => checkSettings(bad, opts)), 452);
  }
  assert.equal(code(() => checkSettings({ max_threads: "2" }, { ...opts, readonly: 1 })), 164);
  assert.equal(code(() => checkSettings({ allow_introspection_functions: "1" }, opts)), 452);
});
