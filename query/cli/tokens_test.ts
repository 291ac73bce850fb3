import assert from "node:assert/strict";
import { testSql } from "../../shared/testing/stores.ts";
import { createTokenStore } from "../adapters/tokens.ts";
import { runTokensCommand } from "./tokens.ts";

Deno.test("tokens CLI: create shows the token once, stores only its hash; revoke disables it", async () => {
  await using sql = await testSql();
  const name = `test_${crypto.randomUUID().slice(0, 8)}`;
  try {
    const store = createTokenStore(sql);
    const lines = await runTokensCommand(store, ["create", "--name", name], { devToken: "x" });
    const token = /Token \(shown only now.*\): (\S+)/.exec(lines[1]!)?.[1];
    assert.ok(token?.startsWith("efq_"));
    const [row] = await sql`SELECT token_id, token_hash FROM query_api_tokens WHERE name = ${name}`;
    assert.notEqual(row!.token_hash, token);
    assert.match(row!.token_hash, /^[0-9a-f]{64}$/);
    assert.equal(await store.verify(token!), row!.token_id);
    const listed = await runTokensCommand(store, ["list"], { devToken: "x" });
    assert.ok(listed.some((l) => l.includes(name) && l.endsWith("active")));
    await runTokensCommand(store, ["revoke", row!.token_id], { devToken: "x" });
    assert.equal(await store.verify(token!), null);
    await assert.rejects(
      runTokensCommand(store, ["revoke", row!.token_id], { devToken: "x" }),
      /No active token/,
    );
    await assert.rejects(runTokensCommand(store, ["create"], { devToken: "x" }), /Missing --name/);
  } finally {
    await sql`DELETE FROM query_api_tokens WHERE name = ${name}`;
  }
});
