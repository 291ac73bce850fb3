/**
 * The services that write dead letters refuse to start without a key to seal them, unless clear
 * payloads are asked for explicitly (docs/privacy.md, security finding 6).
 */
import assert from "node:assert/strict";
import { spawnChild } from "../shared/process/mod.ts";
import { serviceEntry } from "../shared/testing/service_process.ts";
import { freePort } from "../shared/process/mod.ts";

for (const service of ["enrich", "sink", "alerts"]) {
  Deno.test(`${service} refuses to start without DEAD_LETTER_KEYS`, async () => {
    const child = spawnChild(Deno.execPath(), {
      args: ["run", "-A", serviceEntry(service)],
      // The test runner passes the stack's key; an empty value is the same as none.
      env: { DEAD_LETTER_KEYS: "", PORT: String(freePort()), KAFKA_BROKERS: "127.0.0.1:1" },
      stderrOnly: true,
    });
    const { code } = await child.exited;
    assert.notEqual(code, 0);
    assert.match(child.output(), /DEAD_LETTER_KEYS is not set: dead-letter payloads hold unmasked/);
  });
}
