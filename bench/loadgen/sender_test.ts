import assert from "node:assert/strict";
import { createShop } from "./model/mod.ts";
import { liveRequest } from "./requests.ts";
import { classify, createHttpSender } from "./sender.ts";

Deno.test("classify() counts a batch's accepted and rejected items", () => {
  assert.deepEqual(
    classify(200, '{"status":"partial","accepted":8,"rejected":[{"index":1},{"index":5}]}', 10),
    { status: 200, accepted: 8, rejected: 2, error: null },
  );
  assert.deepEqual(classify(202, "", 1), { status: 202, accepted: 1, rejected: 0, error: null });
});

Deno.test("classify() treats validation 4xx as rejected and auth, throttling and 5xx as errors", () => {
  assert.deepEqual(classify(400, '{"error":{"message":"bad"}}', 3), {
    status: 400,
    accepted: 0,
    rejected: 3,
    error: null,
  });
  assert.deepEqual(classify(401, '{"error":{"message":"Unknown write key"}}', 1), {
    status: 401,
    accepted: 0,
    rejected: 0,
    error: "HTTP 401: Unknown write key",
  });
  assert.equal(classify(503, "overloaded", 1).error, "HTTP 503: overloaded");
});

Deno.test("createHttpSender() posts JSON with the write key as Basic user and the event's UA", async () => {
  let seen: Request | undefined;
  const send = createHttpSender("http://127.0.0.1:1/", {
    writeKey: "wk_test",
    fetch: (input, init) => {
      seen = new Request(input as string, init);
      return Promise.resolve(new Response('{"accepted":1,"rejected":[]}', { status: 200 }));
    },
  });
  const r = await send({ path: "/api/v1/event", body: "{}", events: 1, userAgent: "UA/1" });
  assert.deepEqual(r, { status: 200, accepted: 1, rejected: 0, error: null });
  assert.equal(seen?.url, "http://127.0.0.1:1/api/v1/event");
  assert.equal(seen?.headers.get("authorization"), `Basic ${btoa("wk_test:")}`);
  assert.equal(seen?.headers.get("user-agent"), "UA/1");
  assert.equal(seen?.method, "POST");
});

Deno.test("createHttpSender() sends business events with the server key, the rest with the public key (#13, 4)", async () => {
  const seen: string[] = [];
  const send = createHttpSender("http://127.0.0.1:1", {
    writeKey: "wk_web",
    serverKey: "wk_server",
    fetch: (input, init) => {
      seen.push(new Request(input as string, init).headers.get("authorization") ?? "");
      return Promise.resolve(new Response('{"accepted":1,"rejected":[]}', { status: 200 }));
    },
  });
  const shop = createShop({ seed: 3 });
  const kinds = new Map<string, string>();
  for (let i = 0; i < 3000; i++) {
    const req = liveRequest(shop, { batch: 1, nowMs: Date.parse("2024-03-15T10:00:00Z") + i });
    await send(req);
    kinds.set(JSON.parse(req.body).event_type, seen.at(-1)!);
  }
  const basic = (key: string) => `Basic ${btoa(`${key}:`)}`;
  for (const type of ["purchase", "signup", "identify"]) {
    assert.equal(kinds.get(type), basic("wk_server"), type);
  }
  for (const type of ["page_view", "screen_view", "add_to_cart", "search"]) {
    assert.equal(kinds.get(type), basic("wk_web"), type);
  }
});

Deno.test("createHttpSender() turns a refused connection into an error result", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close(); // nothing listens there any more
  const send = createHttpSender(`http://127.0.0.1:${port}`, { timeoutMs: 2000 });
  const r = await send({ path: "/api/v1/event", body: "{}", events: 1 });
  assert.equal(r.status, 0);
  assert.equal(r.accepted, 0);
  assert.match(r.error ?? "", /refused|connect/i);
});
