/**
 * The `insert_deduplication_token` of a ClickHouse insert: which Kafka messages the block holds.
 * A retried insert of the same messages carries the same token, so the table drops the repeat.
 */
import type { KafkaPosition } from "./clickhouse_row.ts";

/** Offset ranges per topic/partition, `topic:partition:first-last`, joined by commas in order. */
export function offsetRanges(positions: readonly KafkaPosition[]): string {
  const ranges = new Map<
    string,
    { topic: string; partition: number; first: bigint; last: bigint }
  >();
  for (const p of positions) {
    const key = `${p.topic}\u0000${p.partition}`;
    const offset = BigInt(p.offset);
    const range = ranges.get(key);
    if (range === undefined) {
      ranges.set(key, { topic: p.topic, partition: p.partition, first: offset, last: offset });
    } else {
      if (offset < range.first) range.first = offset;
      if (offset > range.last) range.last = offset;
    }
  }
  return [...ranges.values()]
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map((r) => `${r.topic}:${r.partition}:${r.first}-${r.last}`)
    .join(",");
}

function fnv1a(text: string, seed: number): number {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The token for a block: its offset ranges plus a digest of its event ids. The digest keeps a
 * recreated topic (offsets restarting at 0) from having new rows dropped as "duplicates" of an
 * old block with the same ranges; a real retry has the same ids, so the same token.
 */
export function dedupToken(
  positions: readonly KafkaPosition[],
  eventIds: readonly string[],
): string {
  const ids = eventIds.join("\n");
  const digest = fnv1a(ids, 0x811c9dc5).toString(16).padStart(8, "0") +
    fnv1a(ids, 0x01234567).toString(16).padStart(8, "0");
  return `${offsetRanges(positions)}#${digest}`;
}
