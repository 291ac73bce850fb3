/**
 * The local Apache Kafka of the stack: fetch the jars with Maven, run one KRaft node detached,
 * wait for it, create the pipeline topics, stop it.
 *
 * @example
 * ```ts ignore
 * const pid = await startKafka({ dataDir: ".stack/kafka" });
 * await waitKafkaReady("127.0.0.1:9092", 60_000);
 * await ensureTopics("127.0.0.1:9092", pipelineTopics(6));
 * await stopKafka(".stack/kafka");
 * ```
 *
 * @module
 */

export {
  ensureKafkaJars,
  type EnsureKafkaJarsOptions,
  KAFKA_VERSION,
  kafkaLibsDir,
} from "./jars.ts";
export {
  readLivePid,
  startKafka,
  type StartKafkaOptions,
  stopKafka,
  type StopKafkaOptions,
} from "./server.ts";
export { ensureTopics, pipelineTopics, waitKafkaReady } from "./ready.ts";
export { ensureJmxAgent, JMX_EXPORTER_VERSION, jmxAgentFlag } from "./jmx.ts";
