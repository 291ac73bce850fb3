import assert from "node:assert/strict";
import { createRedis } from "../../shared/redis/mod.ts";
import { TEST_ENV, testId } from "../../shared/testing/stores.ts";
import { queryHarness } from "../testing/harness.ts";
import { createRedisCache } from "./cache.ts";

function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("a second identical request is a cache hit; TTL follows how settled the range is", async () => {
  await using h = await queryHarness();
  const past = `/api/v1/revenue?from=2026-01-01&to=2026-01-31&source=${h.id}`;
  const first = await h.get(past);
  assert.equal(first.headers.get("x-cache"), "miss");
  // A miss says how long ClickHouse itself worked on it; a hit ran no query.
  assert.match(
    first.headers.get("server-timing") ?? "",
    /^clickhouse;dur=\d+\.\d;desc="2 queries"$/,
  );
  const queries = h.queries.length;
  // The same parameters in another order are the same question.
  const second = await h.get(`/api/v1/revenue?source=${h.id}&to=2026-01-31&from=2026-01-01`);
  assert.equal(second.headers.get("x-cache"), "hit");
  assert.equal(second.headers.get("server-timing"), null);
  assert.deepEqual(await second.json(), await first.json());
  assert.equal(h.queries.length, queries);
  const closedKeys = await h.redis.keys(`ef:test:${h.id}:*`);
  assert.equal(closedKeys.length, 1);
  const closedTtl = await h.redis.ttl(closedKeys[0]!);
  assert.ok(closedTtl > 5 && closedTtl <= 60, `closed range TTL ${closedTtl}`);

  await h.get(`/api/v1/revenue?last=today&source=${h.id}`);
  const keys = await h.redis.keys(`ef:test:${h.id}:*`);
  const openKey = keys.find((k) => k !== closedKeys[0])!;
  const openTtl = await h.redis.ttl(openKey);
  assert.ok(openTtl > 0 && openTtl <= 5, `open range TTL ${openTtl}`);

  const metrics = await (await h.app.request("/metrics")).text();
  assert.match(
    metrics,
    /eventflow_query_cache_total\{question="revenue",outcome="hit",service="query"\} 1/,
  );
  assert.match(
    metrics,
    /eventflow_query_cache_total\{question="revenue",outcome="miss",service="query"\} 2/,
  );
});

Deno.test("50 concurrent identical requests on two instances run one ClickHouse query", async () => {
  await using a = await queryHarness();
  await using b = await queryHarness({ id: a.id });
  const path = `/api/v1/active-users?from=2026-02-01&to=2026-02-07&compare=none&source=${a.id}`;
  const responses = await Promise.all(
    Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).get(path)),
  );
  assert.deepEqual(responses.map((r) => r.status), Array(50).fill(200));
  const outcomes = responses.map((r) => r.headers.get("x-cache"));
  assert.equal(outcomes.filter((o) => o === "miss").length, 1);
  assert.equal(a.queries.length + b.queries.length, 1);
  const bodies = await Promise.all(responses.map((r) => r.json()));
  for (const body of bodies) assert.deepEqual(body, bodies[0]);
});

Deno.test("with Redis down every request is answered uncached and /readyz says so", async () => {
  await using h = await queryHarness({ redisUrl: `redis://127.0.0.1:${closedPort()}/15` });
  const path = `/api/v1/events?from=2026-03-01&to=2026-03-02&source=${h.id}`;
  for (let i = 0; i < 2; i++) {
    const res = await h.get(path);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-cache"), "miss");
    await res.body?.cancel();
  }
  // Both computed: three queries each (series, top events, top pages).
  assert.equal(h.queries.length, 6);
  const ready = await h.app.request("/readyz");
  assert.equal(ready.status, 200);
  const body = await ready.json();
  assert.equal(body.status, "ready");
  assert.equal(body.cache.redis, "down");
  assert.match(body.cache.detail, /answers are computed uncached/);
});

Deno.test("a shared computation is cancelled only when every waiting request went away", async () => {
  const redis = createRedis(TEST_ENV.REDIS_URL);
  await redis.ping();
  const prefix = `ef:test:${testId()}:`;
  try {
    const cache = createRedisCache(redis, { prefix });
    const signals: AbortSignal[] = [];
    let finish: (v: string) => void = () => {};
    const compute = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>((resolve, reject) => {
        finish = resolve;
        signal.addEventListener("abort", () => reject(signal.reason));
      });
    };
    const a = new AbortController();
    const b = new AbortController();
    const first = cache.get("k1", compute, { ttlSeconds: 5, signal: a.signal });
    const second = cache.get("k1", compute, { ttlSeconds: 5, signal: b.signal });
    await new Promise((r) => setTimeout(r, 50));
    a.abort(new Error("first client left"));
    await assert.rejects(first, /first client left/);
    assert.equal(signals.length, 1);
    assert.equal(signals[0]!.aborted, false, "the second request still waits");
    finish("answer");
    assert.deepEqual(await second, { value: "answer", outcome: "hit" });

    const c = new AbortController();
    const lone = cache.get("k2", compute, { ttlSeconds: 5, signal: c.signal });
    await new Promise((r) => setTimeout(r, 50));
    c.abort(new Error("gone"));
    await assert.rejects(lone, /gone/);
    assert.equal(signals[1]!.aborted, true, "nobody waits: the query is cancelled");
  } finally {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
});
