/**
 * Command lines of the benchmarks under bench/ (the load generator has its own, which reports
 * every bad flag at once): each a usage text and a parser that throws a UsageError on a bad flag.
 * @module
 */
import { intOption, parseCli, UsageError } from "../shared/cli.ts";

/** Usage of bench/ingest/throughput.ts. */
export const INGEST_THROUGHPUT_USAGE =
  "Usage: deno run -A bench/ingest/throughput.ts [--duration 15] [--connections 64] [--batch 100]";

/** The run's settings, from the command line. */
export interface IngestThroughputArgs {
  durationS: number;
  connections: number;
  batch: number;
}

/** Parses the command line; a bad flag throws a UsageError. */
export function parseIngestThroughputArgs(args: string[]): IngestThroughputArgs {
  const { values } = parseCli({
    args,
    options: {
      duration: { type: "string" },
      connections: { type: "string" },
      batch: { type: "string" },
    },
  });
  return {
    durationS: intOption(values.duration, "duration", { fallback: 15 }),
    connections: intOption(values.connections, "connections", { fallback: 64 }),
    batch: intOption(values.batch, "batch", { fallback: 100 }),
  };
}

/** Usage of bench/ingest/profile.ts. */
export const INGEST_PROFILE_USAGE =
  `Usage: deno run -A bench/ingest/profile.ts [--prof] [--connections 50] [--duration 10]
       [--limits on|off] [--body file.json]`;

/** The run's settings, from the command line. */
export interface IngestProfileArgs {
  profile: boolean;
  connections: number;
  durationS: number;
  /** Rate limits checked per request (set too high to throttle) or off. */
  limits: boolean;
  /** A file with the JSON body to send instead of the brief's example. */
  bodyFile: string | null;
}

/** Parses the command line; a bad flag throws a UsageError. */
export function parseIngestProfileArgs(args: string[]): IngestProfileArgs {
  const { values } = parseCli({
    args,
    options: {
      prof: { type: "boolean", default: false },
      connections: { type: "string" },
      duration: { type: "string" },
      limits: { type: "string", default: "on" },
      body: { type: "string" },
    },
  });
  if (values.limits !== "on" && values.limits !== "off") {
    throw new UsageError(`--limits must be "on" or "off", got "${values.limits}"`);
  }
  return {
    profile: values.prof,
    connections: intOption(values.connections, "connections", { fallback: 50 }),
    durationS: intOption(values.duration, "duration", { fallback: 10 }),
    limits: values.limits === "on",
    bodyFile: values.body ?? null,
  };
}

/** Usage of bench/enrich/throughput.ts and throughput_kafka.ts. */
export const ENRICH_THROUGHPUT_USAGE =
  "Usage: deno run -A bench/enrich/throughput[_kafka].ts [events=20000] [visitors=500]";

/** Settings of the enrich throughput benchmarks. */
export interface EnrichThroughputArgs {
  /** Raw events to enrich. */
  total: number;
  /** Distinct visitors among them. */
  visitors: number;
}

/** Parses `[events] [visitors]`; a bad one throws a UsageError. */
export function parseEnrichThroughputArgs(args: string[]): EnrichThroughputArgs {
  const { positionals } = parseCli({ args, options: {}, allowPositionals: true });
  if (positionals.length > 2) {
    throw new UsageError(`Expected at most 2 arguments, got ${positionals.length}`);
  }
  return {
    total: intOption(positionals[0], "events", { fallback: 20_000 }),
    visitors: intOption(positionals[1], "visitors", { fallback: 500 }),
  };
}

/** Usage of bench/sink/throughput.ts. */
export const SINK_THROUGHPUT_USAGE =
  "Usage: deno run -A bench/sink/throughput.ts [--events 50000] [--batch 5000]";

/** Parses the sink benchmark's flags. */
export function parseSinkThroughputArgs(args: string[]): { events: number; batch: number } {
  const { values } = parseCli({
    args,
    options: { events: { type: "string" }, batch: { type: "string" } },
  });
  return {
    events: intOption(values.events, "events", { fallback: 50_000 }),
    batch: intOption(values.batch, "batch", { fallback: 5000 }),
  };
}

/** Usage of bench/sink/cpu.ts. */
export const SINK_CPU_USAGE = "Usage: deno run -A bench/sink/cpu.ts [--events 20000] [--rounds 3]";

/** Parses the sink CPU breakdown's flags. */
export function parseSinkCpuArgs(args: string[]): { events: number; rounds: number } {
  const { values } = parseCli({
    args,
    options: { events: { type: "string" }, rounds: { type: "string" } },
  });
  return {
    events: intOption(values.events, "events", { fallback: 20_000 }),
    rounds: intOption(values.rounds, "rounds", { fallback: 3 }),
  };
}

/** Usage of bench/sink/profile.ts. */
export const SINK_PROFILE_USAGE = "Usage: deno run -A bench/sink/profile.ts [--events 30000]";

/** Parses the sink profile's flags. */
export function parseSinkProfileArgs(args: string[]): { events: number } {
  const { values } = parseCli({ args, options: { events: { type: "string" } } });
  return { events: intOption(values.events, "events", { fallback: 30_000 }) };
}

/** Usage of bench/clickhouse/insert.ts. */
export const CLICKHOUSE_INSERT_USAGE =
  "Usage: deno run -A bench/clickhouse/insert.ts [--rows 30000] [--runs 3]";

/** Parses the stand-in insert benchmark's flags. */
export function parseClickHouseInsertArgs(args: string[]): { rows: number; runs: number } {
  const { values } = parseCli({
    args,
    options: { rows: { type: "string" }, runs: { type: "string" } },
  });
  return {
    rows: intOption(values.rows, "rows", { fallback: 30_000 }),
    runs: intOption(values.runs, "runs", { fallback: 3 }),
  };
}

/** Usage of bench/kafka/clients.ts. */
export const KAFKA_CLIENTS_USAGE =
  "Usage: deno run -A bench/kafka/clients.ts [--records 200000] [--batch 1000] [--rebalance-records 60000]";

/** Parses the Kafka client comparison's flags. */
export function parseKafkaClientsArgs(
  args: string[],
): { records: number; batch: number; rebalanceRecords: number } {
  const { values } = parseCli({
    args,
    options: {
      records: { type: "string" },
      batch: { type: "string" },
      "rebalance-records": { type: "string" },
    },
  });
  return {
    records: intOption(values.records, "records", { fallback: 200_000 }),
    batch: intOption(values.batch, "batch", { fallback: 1000 }),
    rebalanceRecords: intOption(values["rebalance-records"], "rebalance-records", {
      fallback: 60_000,
    }),
  };
}

/** The suite's phases, in run order. */
export const SUITE_PHASES = ["single", "batch", "sink", "standin", "pipeline"] as const;

/** One phase of the suite. */
export type SuitePhase = typeof SUITE_PHASES[number];

/** Usage of bench/suite.ts (`deno task bench`). */
export const SUITE_USAGE = `Usage: deno task bench [--only ${SUITE_PHASES.join(",")}] [--runs 1]
       [--sustain 60] [--start-rate 10000] [--note "loaded machine"]

  --only        run a subset of the phases (the others are reported as not measured)
  --runs        repeat the phases; the table shows the median run and the spread
  --sustain     seconds of each open-loop step of the max-sustained-rate search (issue 16: 60)
  --start-rate  first rate of that search, events/s; each step not sustained is followed by 0.6×
  --note        conditions stated beside the figures`;

/** The suite's settings, from the command line. */
export interface SuiteArgs {
  only: Set<SuitePhase>;
  runs: number;
  sustainS: number;
  startRate: number;
  note: string | null;
}

/** Parses the suite's flags (default: every phase once); a bad flag throws a UsageError. */
export function parseSuiteArgs(args: string[]): SuiteArgs {
  const { values } = parseCli({
    args,
    options: {
      only: { type: "string" },
      runs: { type: "string" },
      sustain: { type: "string" },
      "start-rate": { type: "string" },
      note: { type: "string" },
    },
  });
  const rest = {
    runs: intOption(values.runs, "runs", { fallback: 1, min: 1 }),
    sustainS: intOption(values.sustain, "sustain", { fallback: 60, min: 1 }),
    startRate: intOption(values["start-rate"], "start-rate", { fallback: 10_000, min: 1 }),
    note: values.note ?? null,
  };
  if (values.only === undefined) return { only: new Set(SUITE_PHASES), ...rest };
  const only = new Set<SuitePhase>();
  for (const phase of values.only.split(",")) {
    if (!(SUITE_PHASES as readonly string[]).includes(phase)) {
      throw new UsageError(`Unknown phase "${phase}"; choose from ${SUITE_PHASES.join(", ")}`);
    }
    only.add(phase as SuitePhase);
  }
  return { only, ...rest };
}

/** Usage of bench/suite/bare_server.ts. */
export const BARE_SERVER_USAGE = "Usage: deno run -A bench/suite/bare_server.ts [port=18090]";

/** Parses `[port]`. */
export function parseBareServerArgs(args: string[]): { port: number } {
  const { positionals } = parseCli({ args, options: {}, allowPositionals: true });
  if (positionals.length > 1) {
    throw new UsageError(`Expected at most 1 argument, got ${positionals.length}`);
  }
  return { port: intOption(positionals[0], "port", { fallback: 18090, min: 1 }) };
}
