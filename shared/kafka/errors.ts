/** The error type of the Kafka adapter, and the mapping from client errors to it. */

import { EventFlowError } from "../errors.ts";

/** Stable codes of {@linkcode KafkaError}. */
export type KafkaErrorCode =
  | "KAFKA_CONFIG_INVALID"
  | "KAFKA_UNAVAILABLE"
  | "KAFKA_SEND_FAILED"
  | "KAFKA_COMMIT_FAILED"
  | "KAFKA_ADMIN_FAILED"
  | "KAFKA_CLOSED";

/** A Kafka infrastructure failure; `retriable` says whether the same call can succeed later. */
export class KafkaError extends EventFlowError {
  override readonly code: KafkaErrorCode;

  constructor(
    code: KafkaErrorCode,
    message: string,
    opts: { retriable?: boolean; cause?: unknown } = {},
  ) {
    super(code, message, opts);
    this.name = "KafkaError";
    this.code = code;
  }
}

/** Codes of client errors after which retrying cannot help (bad config, auth, unsupported). */
const PERMANENT_CLIENT_CODES = new Set([
  "PLT_KFK_AUTHENTICATION",
  "PLT_KFK_UNSUPPORTED",
  "PLT_KFK_UNSUPPORTED_API",
  "PLT_KFK_UNSUPPORTED_COMPRESSION",
  "PLT_KFK_UNSUPPORTED_FORMAT",
  "PLT_KFK_USER",
]);

/** Wraps any error thrown by the client into a {@linkcode KafkaError}, keeping it as `cause`. */
export function toKafkaError(code: KafkaErrorCode, message: string, cause: unknown): KafkaError {
  if (cause instanceof KafkaError) return cause;
  const clientCode = (cause as { code?: unknown } | null)?.code;
  const detail = cause instanceof Error ? cause.message : String(cause);
  const retriable = typeof clientCode !== "string" || !PERMANENT_CLIENT_CODES.has(clientCode);
  return new KafkaError(code, `${message}: ${detail}`, { retriable, cause });
}
