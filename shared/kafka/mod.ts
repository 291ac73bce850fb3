/**
 * The only Kafka code services use: an acknowledged idempotent producer, a group consumer that
 * commits after the handler, and topic administration. Built on @platformatic/kafka (chosen by
 * measurement, see docs/decisions.md "## Kafka").
 *
 * @example
 * ```ts ignore
 * const producer = await createProducer({ brokers: ["127.0.0.1:9092"], clientId: "ingest" });
 * await producer.send("raw_events", [{ key: "u1", value: "{}" }]);
 * ```
 *
 * @module
 */

export type { KafkaConfig } from "./config.ts";
export { KafkaError, type KafkaErrorCode } from "./errors.ts";
export {
  createProducer,
  type OutgoingMessage,
  type Producer,
  type ProducerOptions,
} from "./producer.ts";
export { type Consumer, type ConsumerOptions, createConsumer } from "./consumer.ts";
export type { Batch, IncomingMessage } from "./message.ts";
export { type Admin, createAdmin, type TopicSpec } from "./admin.ts";
export { DEFAULT_RAW_RETENTION_HOURS, pipelineTopicSpecs, rawTopicConfig } from "./topics.ts";
export type { BackoffOptions } from "../retry.ts";
export {
  type ConsumerLagGauge,
  consumerLagGauge,
  reportLag,
  type ReportLagOptions,
} from "./lag.ts";
export { logConsumerErrors } from "./log_errors.ts";
export {
  type DeadLetterSink,
  kafkaDeadLetters,
  type KafkaDeadLettersOptions,
} from "./dead_letters.ts";
export {
  type AbortInFlight,
  type ConsumerGroupEnv,
  consumerGroupOf,
  type ConsumerGroupRun,
  type ConsumerServiceOptions,
  type FrameEnv,
  kafkaCheck,
  runConsumerService,
  type RunningConsumers,
  type ServiceWiring,
  startConsumers,
  type StartConsumersOptions,
} from "./service.ts";
