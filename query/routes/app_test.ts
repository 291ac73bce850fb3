import assert from "node:assert/strict";
import { queryHarness } from "../testing/harness.ts";

Deno.test("data endpoints answer 401 JSON without a valid bearer token", async () => {
  await using h = await queryHarness();
  for (
    const headers of [{}, { authorization: "Basic abc" }, {
      authorization: "Bearer nope",
    }] as Record<
      string,
      string
    >[]
  ) {
    const res = await h.app.request("/api/v1/revenue?last=7d", { headers });
    assert.equal(res.status, 401);
    const { error } = await res.json();
    assert.equal(error.field, "Authorization");
    assert.match(error.code, /^(MISSING|INVALID)_TOKEN$/);
  }
  const spend = await h.app.request("/api/v1/campaigns/spend", { method: "PUT", body: "{}" });
  assert.equal(spend.status, 401);
  assert.equal(h.queries.length, 0);
});

Deno.test("a revoked token stops working", async () => {
  await using h = await queryHarness();
  await h.sql`UPDATE query_api_tokens SET revoked_at = now() WHERE name = ${`${h.id}_token`}`;
  const res = await h.get("/api/v1/users/someone");
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.code, "INVALID_TOKEN");
});

Deno.test("bad parameters answer 400 naming the field, before any query runs", async () => {
  await using h = await queryHarness();
  const cases: [string, string, RegExp][] = [
    ["/api/v1/active-users?colour=red", "colour", /is not a parameter/],
    ["/api/v1/active-users?tz=Mars/Olympus", "tz", /IANA timezone/],
    ["/api/v1/events?from=yesterday", "from", /YYYY-MM-DD/],
    ["/api/v1/events?limit=0", "limit", /1 to 100/],
    ["/api/v1/events?interval=year", "interval", /hour|day/],
    ["/api/v1/revenue?last=7d&from=2026-01-01", "last", /either last or from\/to/],
    ["/api/v1/revenue?from=2026-02-01&to=2026-01-01", "from", /empty range/],
    ["/api/v1/revenue?from=2020-01-01&to=2026-01-01", "from", /at most 400/],
    ["/api/v1/funnel?steps=purchase", "steps", /2 to 10 steps/],
    ["/api/v1/funnel?steps=a,b[c]", "steps", /is not `event`/],
    ["/api/v1/funnel?window=forever", "window", /duration/],
    ["/api/v1/campaigns?by=planet", "by", /campaign/],
    ["/api/v1/cohorts?weeks=99", "weeks", /1 to 26/],
    ["/api/v1/geography?platform=web&platform=ios", "platform", /more than once/],
    ["/api/v1/users/u1?limit=abc", "limit", /1 to 100/],
    ["/api/v1/campaigns/spend?from=2026-02-30&to=2026-03-01", "from", /real calendar date/],
  ];
  for (const [path, field, message] of cases) {
    const res = await h.get(path);
    assert.equal(res.status, 400, path);
    const { error } = await res.json();
    assert.deepEqual([error.code, error.field], ["INVALID_PARAMETER", field], path);
    assert.match(error.message, message, path);
  }
  assert.equal(h.queries.length, 0);
});

Deno.test("spend: set, replace and read back per campaign and day; bad entries are 400", async () => {
  await using h = await queryHarness();
  const put = (body: unknown) =>
    h.get("/api/v1/campaigns/spend", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const campaign = `${h.id}_c`;
  assert.equal((await put({ entries: [{ campaign, day: "2026-05-01", amount: 10 }] })).status, 200);
  assert.equal(
    (await put({ entries: [{ campaign, day: "2026-05-01", amount: 12.5 }] })).status,
    200,
  );
  const bad = await put({ entries: [{ campaign, day: "2026-05-01", amount: -1 }] });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.field, "entries.0.amount");
  const eur = await put({ entries: [{ campaign, day: "2026-05-01", amount: 1, currency: "EUR" }] });
  assert.equal((await eur.json()).error.field, "entries.0.currency");
  const list = await h.get(
    `/api/v1/campaigns/spend?from=2026-05-01&to=2026-05-31&campaign=${campaign}`,
  );
  assert.deepEqual((await list.json()).entries, [
    { campaign, day: "2026-05-01", amount: 12.5, currency: "USD" },
  ]);
});

Deno.test("OpenAPI 3.1 document lists every question's parameters from the zod schemas", async () => {
  await using h = await queryHarness();
  const doc = await (await h.app.request("/api/openapi.json")).json();
  assert.equal(doc.openapi, "3.1.0");
  const funnel = doc.paths["/api/v1/funnel"].get;
  const names = funnel.parameters.map((p: { name: string }) => p.name);
  for (const name of ["from", "to", "last", "tz", "steps", "window", "compare", "city", "tier"]) {
    assert.ok(names.includes(name), name);
  }
  const window = funnel.parameters.find((p: { name: string }) => p.name === "window");
  assert.deepEqual([window.required, window.schema.default], [false, "1d"]);
  assert.ok(doc.paths["/api/v1/campaigns/spend"].put.requestBody);
  const page = await h.app.request("/api/docs");
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /<code>\/api\/v1\/cohorts<\/code>/);
  assert.doesNotMatch(html, /<script|https?:\/\/cdn/);
});

Deno.test("/readyz reports ClickHouse and the cache", async () => {
  await using h = await queryHarness();
  await h.redis.ping();
  const res = await h.app.request("/readyz");
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual([body.status, body.checks.clickhouse.ok, body.cache.redis], [
    "ready",
    true,
    "up",
  ]);
});
