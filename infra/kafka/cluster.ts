/**
 * A local KRaft cluster of 1 or 3 nodes started on demand, apart from the stack's broker on
 * 9092: its own ports and a temporary directory, each node a child process that a fault test can
 * SIGKILL and start again on the same data. The single-broker stack (server.ts) is unchanged.
 *
 * @example
 * ```ts ignore
 * await using cluster = await startKafkaCluster({ nodes: 3 });
 * await cluster.node(2).kill();
 * await cluster.node(2).start();
 * ```
 *
 * @module
 */
import { type Child, freePort, run, spawnChild } from "../../shared/process/mod.ts";
import { ensureKafkaJars } from "./jars.ts";
import { clusterNodeProperties, type NodePorts } from "./cluster_properties.ts";
import { LOG4J2_PROPERTIES } from "./server_properties.ts";
import { waitKafkaReady } from "./ready.ts";

/** Options of {@linkcode startKafkaCluster}. */
export interface KafkaClusterOptions {
  /** Nodes, each broker and controller: 1 or 3 (default 3). */
  nodes?: 1 | 3;
  /** Default partitions of created topics (default 3). */
  partitions?: number;
  /** JVM heap per node (default "256m": three nodes share two cores with everything else). */
  heap?: string;
  /** Longest wait for the cluster to answer, in ms (default 180 000). */
  timeoutMs?: number;
}

/** One node of the cluster. */
export interface KafkaNode {
  readonly id: number;
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** True while its process runs. */
  running(): boolean;
  /** SIGKILL: no flush, no controlled shutdown. Resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on its data directory (no-op while it runs). */
  start(): Promise<void>;
  /** The tail of its log, for failure messages. */
  log(): string;
}

/** A running cluster; `await using` stops every node and removes its data. */
export interface KafkaCluster extends AsyncDisposable {
  /** Every node's address, comma-separated, for `KAFKA_BROKERS`. */
  readonly bootstrap: string;
  readonly nodes: readonly KafkaNode[];
  /** Node `id` (1-based). */
  node(id: number): KafkaNode;
}

/** Formats each node's storage with one cluster id, starts every node, waits until it answers. */
export async function startKafkaCluster(opts: KafkaClusterOptions = {}): Promise<KafkaCluster> {
  const count = opts.nodes ?? 3;
  const dir = await Deno.makeTempDir({ prefix: "eventflow_kafka_cluster_" });
  const ports: NodePorts[] = Array.from({ length: count }, () => ({
    port: freePort(),
    controllerPort: freePort(),
  }));
  const classpath = await ensureKafkaJars();
  const log4j = `${dir}/log4j2.properties`;
  await Deno.writeTextFile(log4j, LOG4J2_PROPERTIES);
  const jvm = [
    `-Xmx${opts.heap ?? "256m"}`,
    "-Xms64m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${log4j}`,
    "-cp",
    classpath,
  ];
  const clusterId = randomClusterId();
  const children: (Child | null)[] = ports.map(() => null);
  const propsFiles = await Promise.all(ports.map(async (_, i) => {
    const nodeDir = `${dir}/node${i + 1}`;
    await Deno.mkdir(nodeDir, { recursive: true });
    const file = `${nodeDir}/server.properties`;
    await Deno.writeTextFile(
      file,
      clusterNodeProperties({
        nodeId: i + 1,
        nodes: ports,
        logDir: `${nodeDir}/logs`,
        partitions: opts.partitions ?? 3,
      }),
    );
    return file;
  }));
  for (const file of propsFiles) {
    // `=` form: a base64url id may start with "-", which the tool would read as an option.
    await run("java", [
      ...jvm,
      "kafka.tools.StorageTool",
      "format",
      `--cluster-id=${clusterId}`,
      "-c",
      file,
    ]);
  }

  const nodes: KafkaNode[] = ports.map((p, i) => {
    const id = i + 1;
    const start = () => {
      if (children[i] && children[i]!.status() === null) return Promise.resolve();
      children[i] = spawnChild("java", {
        name: `kafka node ${id}`,
        args: [...jvm, "kafka.Kafka", propsFiles[i]!],
        output: { file: `${dir}/node${id}/kafka.log` },
        graceMs: 30_000,
      });
      return Promise.resolve();
    };
    return {
      id,
      address: `127.0.0.1:${p.port}`,
      running: () => children[i] !== null && children[i]!.status() === null,
      kill: async () => void await children[i]?.kill(),
      start,
      log: () => children[i]?.output() ?? "",
    };
  });
  const stop = async () => {
    await Promise.allSettled(children.map((c) => c?.stop()));
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
    const bootstrap = nodes.map((n) => n.address).join(",");
    await waitKafkaReady(bootstrap, opts.timeoutMs ?? 180_000);
    return {
      bootstrap,
      nodes,
      node(id) {
        const node = nodes[id - 1];
        if (!node) throw new Error(`No node ${id} in a cluster of ${nodes.length}`);
        return node;
      },
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    const logs = nodes.map((n) => `node ${n.id}:\n${n.log().slice(-2000)}`).join("\n");
    await stop();
    throw new Error(`Kafka cluster did not start: ${(error as Error).message}\n${logs}`, {
      cause: error,
    });
  }
}

/** KRaft cluster ids are 16 random bytes in unpadded base64url. */
function randomClusterId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}
