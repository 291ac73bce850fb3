/**
 * Where the sink's CPU goes per event, step by step, with the sink's own functions on realistic
 * enriched events (1 in 10 a purchase): decoding and validating the Kafka message (each of the
 * two lanes does it), mapping to the ClickHouse row, encoding the insert body, planning and
 * merging the PostgreSQL writes. No network: the stores' own CPU is measured elsewhere
 * (bench/sink/throughput.ts, bench/clickhouse/insert.ts).
 *
 * `deno run -A bench/sink/cpu.ts [--events 20000] [--rounds 3]` (best round per step)
 * @module
 */
import process from "node:process";
import { EnrichedEventSchema, parseMessage } from "../../shared/events/mod.ts";
import { toEventRow } from "../../sink/core/clickhouse_row.ts";
import { encodeRows } from "../../sink/adapters/clickhouse_writer.ts";
import { isCritical, planEvent } from "../../sink/core/postgres_plan.ts";
import { mergePlans } from "../../sink/core/postgres_merge.ts";
import type { WritePlan } from "../../sink/core/postgres_rows.ts";
import { streamEvent } from "../../sink/testing/events.ts";
import { argsOrExit } from "../../shared/cli.ts";
import { parseSinkCpuArgs, SINK_CPU_USAGE } from "../args.ts";

/** `count` enriched events as the Kafka message values the sink reads. */
function messages(count: number): Uint8Array[] {
  const enc = new TextEncoder();
  return Array.from({ length: count }, (_, i) => enc.encode(JSON.stringify(streamEvent(i))));
}

/** CPU µs per event of `fn` over `n` events: user + system time of this process. */
function cpuPerEvent(n: number, fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

if (import.meta.main) {
  const { events, rounds } = argsOrExit(SINK_CPU_USAGE, () => parseSinkCpuArgs(Deno.args));
  const values = messages(events);
  const critical = new Set(["purchase"]);
  const best = new Map<string, number>();
  const note = (step: string, us: number) => best.set(step, Math.min(best.get(step) ?? us, us));
  for (let round = 0; round < rounds; round++) {
    const decoder = new TextDecoder();
    note(
      "decode + JSON.parse (reference)",
      cpuPerEvent(events, () => {
        for (const v of values) JSON.parse(decoder.decode(v));
      }),
    );
    let parsed: ReturnType<typeof EnrichedEventSchema.parse>[] = [];
    note(
      "validate: parseMessage(EnrichedEventSchema), per lane",
      cpuPerEvent(events, () => {
        parsed = values.map((v) => {
          const r = parseMessage(EnrichedEventSchema, v);
          if (!r.ok) throw new Error(r.error);
          return r.value;
        });
      }),
    );
    let rows: ReturnType<typeof toEventRow>[] = [];
    note(
      "ClickHouse: toEventRow",
      cpuPerEvent(events, () => {
        rows = parsed.map((e, i) =>
          toEventRow(e, { topic: "t", partition: i % 6, offset: String(i) })
        );
      }),
    );
    note(
      "ClickHouse: encode the insert body",
      cpuPerEvent(events, () => {
        encodeRows(rows);
      }),
    );
    let plans: WritePlan[] = [];
    note(
      "PostgreSQL: isCritical + planEvent",
      cpuPerEvent(events, () => {
        plans = [];
        for (const e of parsed) {
          if (!isCritical(e, critical)) continue;
          const outcome = planEvent(e);
          if (outcome.kind === "ok") plans.push(outcome.value);
        }
      }),
    );
    note(
      "PostgreSQL: mergePlans (5,000-event batches)",
      cpuPerEvent(events, () => {
        for (let i = 0; i < plans.length; i += 500) mergePlans(plans.slice(i, i + 500));
      }),
    );
  }
  console.log(`events=${events} rounds=${rounds} (best round per step), CPU µs per event:`);
  for (const [step, us] of best) console.log(`${us.toFixed(1).padStart(7)}  ${step}`);
}
