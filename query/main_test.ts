import assert from "node:assert/strict";
import { serviceEntry, startService } from "../shared/testing/service_process.ts";
import { TEST_ENV, testSql } from "../shared/testing/stores.ts";
import { createTokenStore } from "./adapters/tokens.ts";

Deno.test("query/main.ts serves a question with a token from the CLI's store and stops on SIGTERM", async () => {
  await using sql = await testSql();
  const name = `test_main_${crypto.randomUUID().slice(0, 8)}`;
  const { token } = await createTokenStore(sql).create(name);
  try {
    await using service = await startService(serviceEntry("query"), {
      env: {
        DATABASE_URL: TEST_ENV.DATABASE_URL,
        CLICKHOUSE_URL: TEST_ENV.CLICKHOUSE_URL,
        CLICKHOUSE_DATABASE: TEST_ENV.CLICKHOUSE_DATABASE,
        REDIS_URL: TEST_ENV.REDIS_URL,
        QUERY_CACHE_PREFIX: `ef:test:${name}:`,
      },
    });
    const unauthorized = await fetch(`${service.url}/api/v1/revenue?last=1d`);
    assert.equal(unauthorized.status, 401);
    await unauthorized.body?.cancel();
    const res = await fetch(`${service.url}/api/v1/revenue?last=1d&source=${name}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200, service.log());
    assert.equal((await res.json()).current.orders, 0);
    const ready = await fetch(`${service.url}/readyz`);
    assert.equal(ready.status, 200, service.log());
    await ready.body?.cancel();
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    assert.match(metrics, /eventflow_query_clickhouse_queries_total\{service="query"\} 2/);
    const status = await service.stop();
    assert.equal(status.code, 0, service.log());
    assert.match(service.log(), /Shutdown complete/);
  } finally {
    await sql`DELETE FROM query_api_tokens WHERE name = ${name}`;
  }
});
