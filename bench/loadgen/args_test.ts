import assert from "node:assert/strict";
import { parseArgs } from "./args.ts";

Deno.test("parseArgs() reads an open-loop run with defaults", () => {
  const r = parseArgs(["--rate", "500", "--duration=2.5"]);
  assert.ok(r.ok);
  assert.equal(r.args.mode, "rate");
  assert.equal(r.args.rate, 500);
  assert.equal(r.args.duration, 2.5);
  assert.equal(r.args.batch, 1);
  assert.equal(r.args.url, "http://127.0.0.1:8080");
  assert.equal(r.args.writeKey, "dev_write_key");
  assert.equal(r.args.serverKey, "dev_server_key");
  const keys = parseArgs(["--max", "--write-key", "wk_web", "--server-key", "wk_srv"]);
  assert.ok(keys.ok);
  assert.deepEqual([keys.args.writeKey, keys.args.serverKey], ["wk_web", "wk_srv"]);
});

Deno.test("parseArgs() gives backfill large batches by default", () => {
  const r = parseArgs(["--backfill", "1000", "--days", "7"], { url: "http://127.0.0.1:9999" });
  assert.ok(r.ok);
  assert.deepEqual([r.args.mode, r.args.backfill, r.args.days, r.args.batch, r.args.url], [
    "backfill",
    1000,
    7,
    500,
    "http://127.0.0.1:9999",
  ]);
});

Deno.test("parseArgs() reports every bad flag at once", () => {
  const r = parseArgs(["--max", "--rate", "10", "--batch", "0", "--nope", "1"]);
  assert.ok(!r.ok);
  assert.equal(
    r.error,
    [
      "Unknown flag --nope",
      "Choose one mode, got --rate and --max",
      'Flag --batch must be a positive integer, got "0"',
    ].join("\n"),
  );
  const none = parseArgs([]);
  assert.ok(!none.ok);
  assert.equal(none.error, "Choose a mode: --rate N (events/s), --max, or --backfill N");
});

Deno.test("parseArgs() reports a flag without its value and a stray argument", () => {
  const r = parseArgs(["--max", "stray", "--duration"]);
  assert.ok(!r.ok);
  assert.equal(
    r.error,
    ['Unexpected argument "stray"', "Flag --duration needs a value"].join("\n"),
  );
  const taken = parseArgs(["--max", "--seed", "--json"]);
  assert.ok(!taken.ok);
  assert.equal(taken.error, "Flag --seed needs a value");
});
