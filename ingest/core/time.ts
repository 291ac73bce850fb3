/**
 * Event-time correction: device clocks are wrong, so the offset between the client's `sent_at`
 * and the server's `received_at` is applied to the client's event timestamp.
 */

/** The times a client reported, as validated ISO strings (or null when absent). */
export interface ClientTimes {
  timestamp: string | null;
  sentAt: string | null;
}

/** The corrected event time and whether it had to be clamped. */
export interface CorrectedTime {
  timestamp: string;
  clamped: boolean;
}

/**
 * received_at − (sent_at − timestamp) when both are given, else the client timestamp, else
 * received_at; a result more than `futureToleranceMs` after received_at is clamped to it.
 */
export function correctTimestamp(
  times: ClientTimes,
  opts: { receivedAt: number; futureToleranceMs: number },
): CorrectedTime {
  const { receivedAt } = opts;
  if (times.timestamp === null) {
    return { timestamp: new Date(receivedAt).toISOString(), clamped: false };
  }
  const client = Date.parse(times.timestamp);
  const corrected = times.sentAt === null
    ? client
    : receivedAt - (Date.parse(times.sentAt) - client);
  if (corrected - receivedAt > opts.futureToleranceMs) {
    return { timestamp: new Date(receivedAt).toISOString(), clamped: true };
  }
  return { timestamp: new Date(corrected).toISOString(), clamped: false };
}
