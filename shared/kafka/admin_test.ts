import assert from "node:assert/strict";
import { createAdmin } from "./admin.ts";
import { rawTopicConfig } from "./topics.ts";
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

Deno.test(
  "ensureTopics() sets a new topic's configs and brings an existing topic's to the spec",
  opts,
  async () => {
    const admin = await createAdmin(testConfig("test-admin"));
    const [fresh, old] = [testName("retention_new"), testName("retention_old")];
    const keys = ["retention.ms", "segment.ms"];
    try {
      const config = rawTopicConfig(2);
      await admin.ensureTopics([{ name: fresh, partitions: 1, config }]);
      assert.deepEqual(await admin.topicConfig(fresh, keys), {
        "retention.ms": "7200000",
        "segment.ms": "300000",
      });
      // Created before retention was decided: the broker default (the stack's is 72 h) until the
      // next start reconciles it, leaving the partition count alone.
      await admin.ensureTopics([{ name: old, partitions: 2 }]);
      const before = await admin.topicConfig(old, keys);
      assert.notEqual(before["retention.ms"], "7200000");
      await admin.ensureTopics([{ name: old, partitions: 1, config }]);
      assert.deepEqual(await admin.topicConfig(old, keys), config);
      // Reconciling again changes nothing and does not fail.
      await admin.ensureTopics([{ name: old, partitions: 1, config }]);
      assert.deepEqual(await admin.topicConfig(old, keys), config);
    } finally {
      await admin.deleteTopics([fresh, old]);
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
