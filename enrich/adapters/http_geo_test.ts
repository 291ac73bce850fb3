import { createRedis } from "../../shared/redis/mod.ts";
import assert from "node:assert/strict";
import { cachedLookup } from "./cache.ts";
import { createCircuitBreaker } from "./circuit_breaker.ts";
import { geoCacheKey } from "./geo_cache_key.ts";
import { createHttpGeo, geoFromJson, withFallback } from "./http_geo.ts";
import { createLru } from "./lru.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** A local stand-in for an ipapi.co-style geo API, counting requests per IP. */
function standIn(mode: { status?: number; delayMs?: number } = {}) {
  const hits: string[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const ip = decodeURIComponent(new URL(req.url).pathname.split("/")[1] ?? "");
    hits.push(ip);
    if (mode.delayMs) await new Promise((r) => setTimeout(r, mode.delayMs));
    if (mode.status) return new Response("boom", { status: mode.status });
    if (ip === "203.0.113.9") return new Response("not found", { status: 404 });
    return Response.json({
      ip,
      city: "Berlin",
      region: "Berlin",
      country_code: "DE",
      country_name: "Germany",
      timezone: "Europe/Berlin",
      latitude: 52.52,
      longitude: 13.4,
    });
  });
  const url = `http://127.0.0.1:${server.addr.port}/{ip}/json/`;
  return { hits, url, [Symbol.asyncDispose]: () => server.shutdown() };
}

Deno.test("geoFromJson() reads ipapi.co and ip-api.com answers and their failures", () => {
  assert.deepEqual(
    geoFromJson({ countryCode: "FR", city: "Paris", lat: 48.8, lon: 2.3, status: "success" })?.city,
    "Paris",
  );
  assert.deepEqual(geoFromJson({ status: "fail", message: "reserved range" }), null);
  assert.deepEqual(geoFromJson({ error: true, reason: "Reserved IP Address" }), null);
});

Deno.test(
  "the HTTP geo provider behind Redis and an LRU asks the API once per IP, misses included",
  opts,
  async () => {
    await using api = standIn();
    const redis = createRedis("redis://127.0.0.1:6379/0");
    const prefix = `test_${crypto.randomUUID().slice(0, 8)}:`;
    const counts: Record<string, number> = {};
    try {
      await redis.ping(); // connected, so the 50 ms cache timeout measures Redis, not the handshake
      const provider = createHttpGeo({
        urlTemplate: api.url,
        breaker: createCircuitBreaker("Geo API"),
      });
      // As enrich wires it: two instances share the secret, so they share the cache.
      const key = geoCacheKey({ secret: "test-secret-0123456789", prefix });
      const lookup = () =>
        cachedLookup((ip) => provider.lookup(ip), {
          name: "geo",
          key: geoCacheKey({ secret: "test-secret-0123456789", prefix }),
          redis,
          lru: createLru(),
          record: (cache, result) =>
            void (counts[`${cache}:${result}`] = (counts[`${cache}:${result}`] ?? 0) + 1),
        });
      const first = lookup();
      assert.deepEqual((await first("85.214.132.64"))?.city, "Berlin");
      assert.deepEqual((await first("85.214.132.64"))?.timezone, "Europe/Berlin");
      assert.deepEqual(await first("203.0.113.9"), null);
      assert.deepEqual(await first("203.0.113.9"), null);
      await new Promise((r) => setTimeout(r, 50)); // the Redis fill is fire-and-forget
      // A second instance (fresh LRU) is served by Redis, including the negative answer.
      const second = lookup();
      assert.deepEqual((await second("85.214.132.64"))?.country_code, "DE");
      assert.deepEqual(await second("203.0.113.9"), null);
      assert.deepEqual(api.hits, ["85.214.132.64", "203.0.113.9"]);
      assert.deepEqual(await redis.ttl(key("203.0.113.9")) <= 60, true);
      // Redis holds no visitor address: neither in keys nor in values.
      const keys = (await redis.keys(`${prefix}*`)).sort();
      assert.deepEqual(keys, [key("203.0.113.9"), key("85.214.132.64")].sort());
      const stored = [...keys, ...await Promise.all(keys.map((k) => redis.get(k)))].join("\n");
      for (const ip of ["85.214.132.64", "203.0.113.9", "85.214.132", "203.0.113"]) {
        assert.equal(stored.includes(ip), false, `Redis holds ${ip}`);
      }
      assert.deepEqual(counts, {
        "geo_lru:miss": 4,
        "geo_lru:hit": 2,
        "geo_redis:miss": 2,
        "geo_redis:hit": 2,
      });
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  },
);

Deno.test(
  "the HTTP geo provider times out, opens its circuit, and the local fallback answers",
  opts,
  async () => {
    await using api = standIn({ delayMs: 300 });
    const breaker = createCircuitBreaker("Geo API", { failureThreshold: 2, openMs: 60_000 });
    const provider = createHttpGeo({ urlTemplate: api.url, timeoutMs: 30, breaker });
    const errors: string[] = [];
    const local = { lookup: () => Promise.resolve(null) };
    const geo = withFallback(provider, local, {
      onError: (e) => errors.push((e as Error).message),
    });
    for (let i = 0; i < 3; i++) assert.deepEqual(await geo.lookup("85.214.132.64"), null);
    assert.deepEqual(breaker.state, "open");
    assert.deepEqual(api.hits.length, 2);
    assert.deepEqual(errors.slice(0, 2), [
      "Geo API did not answer within 30 ms",
      "Geo API did not answer within 30 ms",
    ]);
    assert.deepEqual(errors[2]?.startsWith("Geo API is failing; calls are skipped for"), true);
  },
);

Deno.test("the HTTP geo provider reports a 5xx answer with its status", opts, async () => {
  await using api = standIn({ status: 503 });
  const provider = createHttpGeo({
    urlTemplate: api.url,
    breaker: createCircuitBreaker("Geo API"),
  });
  let message = "";
  await provider.lookup("1.1.1.1").catch((e) => (message = e.message));
  assert.deepEqual(message, "Geo API answered HTTP 503");
});

Deno.test("geoCacheKey() hashes the IP under its secret, a random one when none is given", () => {
  const a = geoCacheKey({ secret: "secret-a-0123456789", prefix: "ef:" });
  const again = geoCacheKey({ secret: "secret-a-0123456789", prefix: "ef:" });
  const b = geoCacheKey({ secret: "secret-b-0123456789", prefix: "ef:" });
  assert.match(a("85.214.132.64"), /^ef:geo:[A-Za-z0-9_-]{43}$/);
  assert.equal(a("85.214.132.64"), again("85.214.132.64"));
  assert.notEqual(a("85.214.132.64"), a("85.214.132.65"));
  assert.notEqual(a("85.214.132.64"), b("85.214.132.64"));
  assert.notEqual(geoCacheKey()("85.214.132.64"), geoCacheKey()("85.214.132.64"));
});
