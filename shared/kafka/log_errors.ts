/** Logging a consumer's handler failures and reconnects through a service's logger. */
import { errorMessage } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { ConsumerOptions } from "./consumer.ts";

/** An `onError` for `createConsumer` that logs each failure with the group and partition. */
export function logConsumerErrors(
  logger: Logger,
  group: string,
): NonNullable<ConsumerOptions["onError"]> {
  return (error, context) =>
    logger.error(
      context.batch ? "Batch failed, it will be redelivered" : "Kafka consumer error",
      {
        group,
        partition: context.batch?.partition,
        attempt: context.attempt,
        error: errorMessage(error),
      },
    );
}
