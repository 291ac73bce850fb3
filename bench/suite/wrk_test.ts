import assert from "node:assert/strict";
import { parseDuration, parseWrk, runWrk, wrkScript } from "./wrk.ts";

const OUTPUT = `Running 3s test @ http://127.0.0.1:18090/api/v1/event
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.29ms    6.36ms  64.90ms   93.05%
    Req/Sec    16.55k     8.13k   26.46k    60.00%
  Latency Distribution
     50%    2.40ms
     75%    4.19ms
     90%    8.70ms
     99%   37.48ms
  49412 requests in 3.01s, 6.50MB read
  Non-2xx or 3xx responses: 12
  Socket errors: connect 0, read 3, write 0, timeout 2
Requests/sec:  16413.38
Transfer/sec:      2.16MB
`;

Deno.test("parseWrk() reads totals, the latency distribution and errors", () => {
  assert.deepEqual(parseWrk(OUTPUT), {
    requests: 49412,
    durationS: 3.01,
    requestsPerSec: 16413.38,
    latencyMs: { p50: 2.4, p75: 4.19, p90: 8.7, p99: 37.48, max: 64.9 },
    non2xx: 12,
    socketErrors: 5,
  });
});

Deno.test("parseWrk() names what is missing from a truncated report", () => {
  assert.throws(
    () => parseWrk("Running 3s test\n  1 threads and 50 connections\n"),
    /Cannot find the request total/,
  );
});

Deno.test("parseDuration() converts wrk's units to milliseconds", () => {
  assert.equal(parseDuration("850.00us"), 0.85);
  assert.equal(parseDuration("1.5s"), 1500);
  assert.equal(parseDuration("2m"), 120_000);
  assert.throws(() => parseDuration("fast"), /Cannot parse wrk duration "fast"/);
});

Deno.test("wrkScript() embeds the body so that no text can close the Lua string early", () => {
  const script = wrkScript('{"a":"]]"}', { Authorization: "Basic eDo=" });
  assert.equal(
    script,
    'wrk.method = "POST"\nwrk.body = [=[{"a":"]]"}]=]\nwrk.headers["Content-Type"] = "application/json"\n' +
      "wrk.headers[ [[Authorization]] ] = [[Basic eDo=]]\n",
  );
});

Deno.test("wrkScript() with a counter sends every request with its own number (real wrk)", async () => {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    seen.push((await req.json()).user_id);
    return new Response("{}");
  });
  try {
    const script = wrkScript(JSON.stringify({ user_id: "u_@N@" }), {}, { counter: "@N@" });
    const result = await runWrk(`http://127.0.0.1:${server.addr.port}/`, script, {
      connections: 2,
      durationS: 1,
    });
    assert.ok(seen.length >= result.requests && result.requests > 0);
    assert.equal(new Set(seen).size, seen.length, "no user id repeats");
    assert.ok(seen.every((id) => /^u_\d+$/.test(id)), seen.slice(0, 3).join());
  } finally {
    await server.shutdown();
  }
});
