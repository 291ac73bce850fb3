/**
 * JSON vs Avro vs Protobuf for the real event shapes (events.ts): bytes per message on the wire
 * (and on the broker's disk: the producer does not compress), gzip of a 500-message batch for
 * reference, and encode and decode CPU per event, then the cost per event of every hop of the
 * pipeline: ingest encodes the raw event, enrich decodes it and encodes the enriched one, and three
 * consumer groups decode that (sink to ClickHouse, sink to PostgreSQL, alerts).
 *
 *   node_modules/.bin/deno run -A bench/format/format.ts
 *
 * Each figure is the fastest of 7 rounds over 2,000 events (the machine is shared; the minimum
 * is the least disturbed round), after a warm-up round. Validation (zod) is left out: every format
 * still needs it, since a schema says nothing of lengths, enums or timestamps.
 */
import { gzipSync } from "node:zlib";
import { EnrichedEventSchema, RawEventSchema } from "../../shared/events/mod.ts";
import { avroCodec, type Codec, jsonCodec, protobufCodec } from "./codecs.ts";
import { enrichSamples, sampleRawEvents } from "./events.ts";

const EVENTS = 2_000;
const ROUNDS = 7;
const BATCH = 500;

/** Bytes and µs per event of one codec on `events`. */
export function measure(codec: Codec, events: Record<string, unknown>[]): {
  bytes: number;
  gzipBatchBytes: number;
  encodeUs: number;
  decodeUs: number;
} {
  let encoded = events.map((e) => codec.encode(e));
  let encodeUs = Infinity;
  let decodeUs = Infinity;
  for (let round = 0; round <= ROUNDS; round++) {
    let started = performance.now();
    encoded = events.map((e) => codec.encode(e));
    const enc = (performance.now() - started) * 1000 / events.length;
    started = performance.now();
    for (const bytes of encoded) codec.decode(bytes);
    const dec = (performance.now() - started) * 1000 / events.length;
    if (round === 0) continue; // warm-up
    encodeUs = Math.min(encodeUs, enc);
    decodeUs = Math.min(decodeUs, dec);
  }
  const bytes = encoded.reduce((sum, b) => sum + b.length, 0) / encoded.length;
  const batch = encoded.slice(0, BATCH);
  const joined = new Uint8Array(batch.reduce((sum, b) => sum + b.length, 0));
  let at = 0;
  for (const b of batch) (joined.set(b, at), at += b.length);
  return { bytes, gzipBatchBytes: gzipSync(joined).length / batch.length, encodeUs, decodeUs };
}

if (import.meta.main) {
  const raw = sampleRawEvents(EVENTS);
  const enriched = await enrichSamples(raw);
  const formats = [
    { raw: jsonCodec(), enriched: jsonCodec() },
    { raw: avroCodec(RawEventSchema), enriched: avroCodec(EnrichedEventSchema) },
    { raw: protobufCodec(RawEventSchema), enriched: protobufCodec(EnrichedEventSchema) },
  ];
  console.log(
    `${EVENTS} events (${raw.filter((e) => e.type === "track").length} track, the rest identify ` +
      `and page); fastest of ${ROUNDS} rounds\n`,
  );
  console.log(
    "| format | raw bytes | raw gzip* | enriched bytes | enriched gzip* | raw enc / dec µs | " +
      "enriched enc / dec µs | CPU µs per event, all hops† |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const format of formats) {
    const r = measure(format.raw, raw);
    const e = measure(format.enriched, enriched);
    const hops = r.encodeUs + r.decodeUs + e.encodeUs + 3 * e.decodeUs;
    console.log(
      `| ${format.raw.name} | ${r.bytes.toFixed(0)} | ${r.gzipBatchBytes.toFixed(0)} | ` +
        `${e.bytes.toFixed(0)} | ${e.gzipBatchBytes.toFixed(0)} | ` +
        `${r.encodeUs.toFixed(1)} / ${r.decodeUs.toFixed(1)} | ` +
        `${e.encodeUs.toFixed(1)} / ${e.decodeUs.toFixed(1)} | ${hops.toFixed(1)} |`,
    );
  }
  console.log(
    "\n* per message, gzip of a 500-message batch (Kafka compresses per batch when asked)\n" +
      "† raw encode + raw decode + enriched encode + 3 × enriched decode",
  );
}
