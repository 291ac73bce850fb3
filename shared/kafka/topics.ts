/**
 * The pipeline's topics and their retention. `raw_events` holds what clients sent before any
 * masking (full IPs, user agents, emails), so it is kept only as long as enrich may need to
 * catch up; `enriched_events` and `dead_letter` keep the broker's (or compose's) retention.
 */
import type { TopicSpec } from "./admin.ts";

/**
 * Default hours `raw_events` keeps a message. Enrich reads it within seconds; the buffer is for an
 * enrich outage: the lag alerts fire within 15 minutes, and a day covers a night or a
 * weekend-morning without anyone at the keyboard. Longer only keeps unmasked PII longer.
 */
export const DEFAULT_RAW_RETENTION_HOURS = 24;

const HOUR_MS = 3_600_000;

/**
 * Topic configs of `raw_events` for a retention of `hours`. Kafka deletes whole segments only,
 * so segments roll every hour (or every retention/24 when that is shorter, at least a minute):
 * a message is gone at most retention + one segment + the broker's 5-minute check after it came.
 */
export function rawTopicConfig(hours: number): Record<string, string> {
  if (!(hours > 0) || !Number.isFinite(hours)) {
    throw new RangeError(`Raw retention must be a positive number of hours, got ${hours}`);
  }
  const retentionMs = Math.round(hours * HOUR_MS);
  const segmentMs = Math.max(60_000, Math.min(HOUR_MS, Math.round(retentionMs / 24)));
  return { "retention.ms": String(retentionMs), "segment.ms": String(segmentMs) };
}

/** The three pipeline topics, `raw` with its short retention. */
export function pipelineTopicSpecs(
  names: { raw: string; enriched: string; deadLetter: string },
  opts: { partitions: number; rawRetentionHours: number },
): TopicSpec[] {
  const { partitions } = opts;
  return [
    { name: names.raw, partitions, config: rawTopicConfig(opts.rawRetentionHours) },
    { name: names.enriched, partitions },
    { name: names.deadLetter, partitions },
  ];
}
