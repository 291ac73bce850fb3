/** The adapter's configuration types and their validation. */

import { KafkaError } from "./errors.ts";

/** Where the brokers are and who we are, as given by a service. */
export interface KafkaConfig {
  /** `host:port` bootstrap addresses. */
  brokers: string[];
  /** Client id shown in broker logs and metrics. */
  clientId: string;
}

/** Throws one {@linkcode KafkaError} listing every invalid field of `config`. */
export function validateKafkaConfig(config: KafkaConfig): KafkaConfig {
  const problems: string[] = [];
  if (!Array.isArray(config.brokers) || config.brokers.length === 0) {
    problems.push(
      `brokers must list at least one "host:port", got ${JSON.stringify(config.brokers)}`,
    );
  } else {
    for (const broker of config.brokers) {
      if (!/^[^:\s]+:\d{1,5}$/.test(broker)) {
        problems.push(`brokers has "${broker}", expected "host:port"`);
      }
    }
  }
  if (typeof config.clientId !== "string" || config.clientId.trim() === "") {
    problems.push(`clientId must be a non-empty string, got ${JSON.stringify(config.clientId)}`);
  }
  if (problems.length > 0) {
    throw new KafkaError(
      "KAFKA_CONFIG_INVALID",
      `Invalid Kafka configuration: ${problems.join("; ")}`,
    );
  }
  return { brokers: [...config.brokers], clientId: config.clientId };
}
