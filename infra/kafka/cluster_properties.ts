/** Renders the configuration of one node of a local multi-node KRaft cluster (fault tests). */

/** Ports of one node on 127.0.0.1. */
export interface NodePorts {
  /** Client listener. */
  port: number;
  /** Controller listener. */
  controllerPort: number;
}

/** Options of {@linkcode clusterNodeProperties}. */
export interface ClusterNodeOptions {
  /** 1-based node id; also its index + 1 in `nodes`. */
  nodeId: number;
  /** Every node of the cluster, node 1 first. */
  nodes: readonly NodePorts[];
  /** Directory for this node's partition logs and KRaft metadata. */
  logDir: string;
  /** Default partition count of created topics. */
  partitions: number;
}

/**
 * Each node is broker and controller (a static quorum of all nodes). With three or more nodes,
 * topics get replication 3 and `min.insync.replicas` 2, so an `acks=all` write survives one node
 * down and is refused, not lost, with two down; with fewer, everything is replicated to all.
 */
export function clusterNodeProperties(opts: ClusterNodeOptions): string {
  const self = opts.nodes[opts.nodeId - 1];
  if (self === undefined) {
    throw new Error(`Node id ${opts.nodeId} is outside the cluster of ${opts.nodes.length}`);
  }
  const replication = Math.min(3, opts.nodes.length);
  const minIsr = replication >= 3 ? 2 : 1;
  const voters = opts.nodes.map((n, i) => `${i + 1}@127.0.0.1:${n.controllerPort}`).join(",");
  const props: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": opts.nodeId,
    "controller.quorum.voters": voters,
    "listeners": `PLAINTEXT://127.0.0.1:${self.port},CONTROLLER://127.0.0.1:${self.controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${self.port}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "log.dirs": opts.logDir,
    "num.partitions": opts.partitions,
    "default.replication.factor": replication,
    "min.insync.replicas": minIsr,
    "auto.create.topics.enable": false,
    "delete.topic.enable": true,
    "offsets.topic.replication.factor": replication,
    "offsets.topic.num.partitions": 10,
    "transaction.state.log.replication.factor": replication,
    "transaction.state.log.min.isr": minIsr,
    "transaction.state.log.num.partitions": 4,
    "share.coordinator.state.topic.replication.factor": replication,
    "share.coordinator.state.topic.min.isr": minIsr,
    "group.initial.rebalance.delay.ms": 0,
    // A killed node is noticed in seconds, not the default 9 s + 18 s session.
    "broker.session.timeout.ms": 6000,
    "broker.heartbeat.interval.ms": 1000,
    "unclean.leader.election.enable": false,
    "num.network.threads": 2,
    "num.io.threads": 2,
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join("\n") + "\n";
}
