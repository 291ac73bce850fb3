/**
 * The error type every EventFlow module throws for infrastructure and contract failures.
 *
 * Per-event outcomes are values, not exceptions (see `shared/pipeline.ts`); this class is for
 * the cases where a caller must decide whether to retry.
 */
export class EventFlowError extends Error {
  /** Stable machine-readable code, e.g. `KAFKA_UNAVAILABLE`. */
  readonly code: string;
  /** Whether retrying the same operation later can succeed. */
  readonly retriable: boolean;

  constructor(code: string, message: string, opts: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = "EventFlowError";
    this.code = code;
    this.retriable = opts.retriable ?? false;
  }
}

/** Returns the message of any thrown value, for logs and dead-letter records. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
