/** Kafka's own producer benchmark (`kafka-producer-perf-test`), run from the stack's jars. */
import { KAFKA_VERSION, kafkaLibsDir } from "../../infra/kafka/jars.ts";
import { runCommand } from "./proc.ts";

/** The final summary line of ProducerPerformance. */
export interface KafkaPerf {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  p99LatencyMs: number;
}

/**
 * Parses `500000 records sent, 98765.4 records/sec (96.45 MB/sec), 12.3 ms avg latency,
 * 456.0 ms max latency, 10 ms 50th, 30 ms 95th, 45 ms 99th, 60 ms 99.9th.`
 */
export function parseProducerPerf(output: string): KafkaPerf {
  const lines = output.trim().split("\n").filter((l) => /records sent/.test(l) && /99th/.test(l));
  const last = lines[lines.length - 1];
  const m = last &&
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency.*?([\d.]+) ms 99th/
      .exec(last);
  if (!m) {
    throw new Error(
      `Cannot find the final summary in ProducerPerformance output:\n${output.slice(-1500)}`,
    );
  }
  return {
    records: Number(m[1]),
    recordsPerSec: Number(m[2]),
    mbPerSec: Number(m[3]),
    avgLatencyMs: Number(m[4]),
    p99LatencyMs: Number(m[5]),
  };
}

/** Runs the producer benchmark against `topic` with acks=all and returns its summary. */
export async function runProducerPerf(
  opts: { topic: string; records: number; recordSize: number; brokers: string },
): Promise<KafkaPerf> {
  const classpath = `${kafkaLibsDir()}/*`;
  const out = await runCommand("java", [
    "-Xmx512m",
    "-cp",
    classpath,
    "org.apache.kafka.tools.ProducerPerformance",
    "--topic",
    opts.topic,
    "--num-records",
    String(opts.records),
    "--record-size",
    String(opts.recordSize),
    "--throughput",
    "-1",
    "--command-property",
    `bootstrap.servers=${opts.brokers}`,
    "acks=all",
    "linger.ms=5",
  ]);
  return parseProducerPerf(out);
}

/** The Kafka version whose tools are used. */
export const KAFKA_TOOLS_VERSION = KAFKA_VERSION;
