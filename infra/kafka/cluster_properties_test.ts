import assert from "node:assert/strict";
import { clusterNodeProperties } from "./cluster_properties.ts";

const nodes = [
  { port: 19092, controllerPort: 19093 },
  { port: 19094, controllerPort: 19095 },
  { port: 19096, controllerPort: 19097 },
];

function parse(text: string): Record<string, string> {
  return Object.fromEntries(
    text.trim().split("\n").map((l) => l.split("=", 2) as [string, string]),
  );
}

Deno.test("clusterNodeProperties() makes 3 nodes one quorum with replication 3 and min.insync 2", () => {
  const props = parse(
    clusterNodeProperties({ nodeId: 2, nodes, logDir: "/tmp/n2", partitions: 6 }),
  );
  assert.equal(props["node.id"], "2");
  assert.equal(
    props["controller.quorum.voters"],
    "1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097",
  );
  assert.equal(props["advertised.listeners"], "PLAINTEXT://127.0.0.1:19094");
  assert.deepEqual(
    [props["default.replication.factor"], props["min.insync.replicas"]],
    ["3", "2"],
  );
  assert.equal(props["offsets.topic.replication.factor"], "3");
});

Deno.test("clusterNodeProperties() keeps a one-node cluster at replication 1", () => {
  const props = parse(
    clusterNodeProperties({
      nodeId: 1,
      nodes: nodes.slice(0, 1),
      logDir: "/tmp/n1",
      partitions: 3,
    }),
  );
  assert.deepEqual(
    [props["default.replication.factor"], props["min.insync.replicas"]],
    ["1", "1"],
  );
  assert.throws(
    () => clusterNodeProperties({ nodeId: 4, nodes, logDir: "/tmp", partitions: 3 }),
    /Node id 4 is outside the cluster of 3/,
  );
});
