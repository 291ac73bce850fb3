import assert from "node:assert/strict";
import { probe } from "./healthcheck.ts";

Deno.test("probe() is healthy on 2xx and names the status otherwise", async () => {
  let status = 200;
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("ok", { status }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/healthz`;
  assert.deepEqual(await probe(url), { ok: true });
  status = 503;
  assert.deepEqual(await probe(url), { ok: false, reason: `${url} answered HTTP 503` });
});

Deno.test("probe() reports a closed port as unreachable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const result = await probe(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 2000 });
  assert(!result.ok, "a closed port must not be healthy");
  assert.match(
    !result.ok ? result.reason : "",
    /^http:\/\/127\.0\.0\.1:\d+\/healthz is unreachable: /,
  );
});

Deno.test("probe() gives up after the timeout", async () => {
  const { promise: release, resolve } = Promise.withResolvers<void>();
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async () => {
      await release;
      return new Response("late");
    },
  );
  const url = `http://127.0.0.1:${server.addr.port}/healthz`;
  const result = await probe(url, { timeoutMs: 50 });
  resolve();
  assert.deepEqual(result, { ok: false, reason: `${url} is unreachable: no answer within 50 ms` });
});
