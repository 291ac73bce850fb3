import assert from "node:assert/strict";
import { parseDeadLetterKeys } from "../../shared/events/mod.ts";
import { deadLetterKeyPath, ensureDeadLetterKey, readDeadLetterKey } from "./dead_letter_key.ts";

Deno.test("ensureDeadLetterKey() generates one key once, 0600, and prefers DEAD_LETTER_KEYS", async () => {
  const dir = await Deno.makeTempDir({ prefix: "test_dlkey_" });
  try {
    assert.equal(await readDeadLetterKey(dir), null);
    const first = await ensureDeadLetterKey(dir);
    assert.equal((await parseDeadLetterKeys(first)).keys.size, 1);
    assert.equal((await Deno.stat(deadLetterKeyPath(dir))).mode! & 0o777, 0o600);
    assert.equal(await ensureDeadLetterKey(dir), first);
    assert.equal(await readDeadLetterKey(dir), first);
    assert.equal(await ensureDeadLetterKey(dir, "given"), "given");
    assert.equal(await ensureDeadLetterKey(dir, " "), first);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
