/** Renders the single-node KRaft configuration used by the local stack. */

/** Options of {@linkcode serverProperties}. */
export interface ServerPropertiesOptions {
  /** Directory for the partition logs and KRaft metadata. */
  logDir: string;
  /** Client listener port on 127.0.0.1. */
  port: number;
  /** Controller listener port on 127.0.0.1. */
  controllerPort: number;
  /** Default partition count of created topics. */
  partitions: number;
}

/**
 * One combined broker+controller node with every replication factor at 1, so that the internal
 * topics can be created; no topic auto-creation, so a typo in a topic name fails loudly.
 */
export function serverProperties(opts: ServerPropertiesOptions): string {
  const props: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": 1,
    "controller.quorum.voters": `1@127.0.0.1:${opts.controllerPort}`,
    "listeners": `PLAINTEXT://127.0.0.1:${opts.port},CONTROLLER://127.0.0.1:${opts.controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${opts.port}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "log.dirs": opts.logDir,
    "num.partitions": opts.partitions,
    "default.replication.factor": 1,
    "min.insync.replicas": 1,
    "auto.create.topics.enable": false,
    "delete.topic.enable": true,
    "offsets.topic.replication.factor": 1,
    // 50 partitions (the default) cost start-up time and memory for nothing on one node.
    "offsets.topic.num.partitions": 10,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 4,
    "share.coordinator.state.topic.replication.factor": 1,
    "share.coordinator.state.topic.min.isr": 1,
    "group.initial.rebalance.delay.ms": 0,
    "num.network.threads": 2,
    "num.io.threads": 4,
    "log.retention.hours": 72,
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join("\n") + "\n";
}

/** Console-only log4j2 config: stdout is redirected to the broker's log file. */
export const LOG4J2_PROPERTIES = `status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = org.apache.kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
`;
