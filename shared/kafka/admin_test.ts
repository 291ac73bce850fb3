import assert from "node:assert/strict";
import { createAdmin } from "./admin.ts";
import { testConfig, testName } from "../testing/kafka_adapter.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "ensureTopics() is idempotent and deleteTopics() ignores missing topics",
  opts,
  async () => {
    const admin = await createAdmin(testConfig("test-admin"));
    const name = testName("admin");
    try {
      assert.deepEqual(await admin.ping(), true, "ping");
      await admin.ensureTopics([{ name, partitions: 2 }]);
      await admin.ensureTopics([{ name, partitions: 2 }]);
    } finally {
      await admin.deleteTopics([name, testName("missing")]);
      await admin.close();
    }
  },
);

Deno.test("ping() is false when no broker listens", opts, async () => {
  const admin = await createAdmin({ brokers: ["127.0.0.1:1"], clientId: "test-admin" });
  const ok = await admin.ping();
  await admin.close();
  assert(ok === false, "ping() should be false");
});
