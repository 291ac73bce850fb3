import assert from "node:assert/strict";
import { parseTestArgs } from "./test.ts";

Deno.test("parseTestArgs() reads --no-check and passes everything after -- to deno test", () => {
  assert.deepEqual(parseTestArgs([]), { noCheck: false, extra: [] });
  assert.deepEqual(parseTestArgs(["--no-check", "--", "ingest/", "--filter", "x"]), {
    noCheck: true,
    extra: ["ingest/", "--filter", "x"],
  });
  // Flags after -- belong to deno test, even ones the runner does not know.
  assert.deepEqual(parseTestArgs(["--", "--no-check", "--fail-fast"]), {
    noCheck: false,
    extra: ["--no-check", "--fail-fast"],
  });
});

Deno.test("parseTestArgs() rejects unknown flags and bare paths before --", () => {
  assert.throws(() => parseTestArgs(["--nocheck"]), {
    name: "UsageError",
    message: "Unknown option '--nocheck'",
  });
  assert.throws(() => parseTestArgs(["ingest/"]), /Unexpected argument 'ingest\/'/);
});
