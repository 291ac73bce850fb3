import assert from "node:assert/strict";
import { DEFAULT_RAW_RETENTION_HOURS, pipelineTopicSpecs, rawTopicConfig } from "./topics.ts";
import { parseConfig, topicEnv } from "../config.ts";
import { z } from "zod";

Deno.test("rawTopicConfig() keeps raw events for the hours given, in hourly segments at most", () => {
  assert.deepEqual(rawTopicConfig(24), { "retention.ms": "86400000", "segment.ms": "3600000" });
  assert.deepEqual(rawTopicConfig(6), { "retention.ms": "21600000", "segment.ms": "900000" });
  // Segments never shorter than a minute, so a tiny retention does not flood the broker.
  assert.deepEqual(rawTopicConfig(0.25), { "retention.ms": "900000", "segment.ms": "60000" });
  assert.throws(() => rawTopicConfig(0), /Raw retention must be a positive number of hours, got 0/);
});

Deno.test("pipelineTopicSpecs() gives raw_events alone the short retention", () => {
  const specs = pipelineTopicSpecs(
    { raw: "raw_events", enriched: "enriched_events", deadLetter: "dead_letter" },
    { partitions: 6, rawRetentionHours: DEFAULT_RAW_RETENTION_HOURS },
  );
  assert.deepEqual(specs, [
    { name: "raw_events", partitions: 6, config: rawTopicConfig(24) },
    { name: "enriched_events", partitions: 6 },
    { name: "dead_letter", partitions: 6 },
  ]);
});

Deno.test("TOPIC_RAW_RETENTION_HOURS defaults to 24 and refuses zero or more than 30 days", () => {
  const schema = z.object(topicEnv);
  assert.equal(parseConfig(schema, {}).TOPIC_RAW_RETENTION_HOURS, 24);
  assert.equal(
    parseConfig(schema, { TOPIC_RAW_RETENTION_HOURS: "1.5" }).TOPIC_RAW_RETENTION_HOURS,
    1.5,
  );
  assert.throws(
    () => parseConfig(schema, { TOPIC_RAW_RETENTION_HOURS: "0" }),
    /TOPIC_RAW_RETENTION_HOURS has value "0"/,
  );
  assert.throws(
    () => parseConfig(schema, { TOPIC_RAW_RETENTION_HOURS: "1000" }),
    /TOPIC_RAW_RETENTION_HOURS has value "1000"/,
  );
});
