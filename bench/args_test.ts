import assert from "node:assert/strict";
import {
  parseBareServerArgs,
  parseClickHouseInsertArgs,
  parseEnrichThroughputArgs,
  parseIngestProfileArgs,
  parseIngestThroughputArgs,
  parseKafkaClientsArgs,
  parseSinkThroughputArgs,
  parseSuiteArgs,
} from "./args.ts";

Deno.test("parseIngestThroughputArgs() keeps the documented defaults and reads --flag value", () => {
  assert.deepEqual(parseIngestThroughputArgs([]), { durationS: 15, connections: 64, batch: 100 });
  assert.deepEqual(
    parseIngestThroughputArgs(["--duration", "10", "--connections=8", "--batch", "5"]),
    { durationS: 10, connections: 8, batch: 5 },
  );
  assert.throws(() => parseIngestThroughputArgs(["--duration", "ten"]), {
    name: "UsageError",
    message: '--duration must be an integer of at least 1, got "ten"',
  });
});

Deno.test("parseIngestProfileArgs() reads --prof, --limits on|off and --body", () => {
  assert.deepEqual(parseIngestProfileArgs([]), {
    profile: false,
    connections: 50,
    durationS: 10,
    limits: true,
    bodyFile: null,
  });
  assert.deepEqual(
    parseIngestProfileArgs(["--prof", "--limits", "off", "--body", "event.json"]),
    { profile: true, connections: 50, durationS: 10, limits: false, bodyFile: "event.json" },
  );
  assert.throws(() => parseIngestProfileArgs(["--limits", "maybe"]), {
    name: "UsageError",
    message: '--limits must be "on" or "off", got "maybe"',
  });
  assert.throws(() => parseIngestProfileArgs(["--profile"]), /Unknown option '--profile'/);
});

Deno.test("parseEnrichThroughputArgs() reads [events] [visitors] positionals", () => {
  assert.deepEqual(parseEnrichThroughputArgs([]), { total: 20_000, visitors: 500 });
  assert.deepEqual(parseEnrichThroughputArgs(["1000", "50"]), { total: 1000, visitors: 50 });
  assert.throws(() => parseEnrichThroughputArgs(["1", "2", "3"]), /at most 2 arguments, got 3/);
  assert.throws(() => parseEnrichThroughputArgs(["many"]), /--events must be an integer/);
});

Deno.test("the sink, ClickHouse and Kafka benchmarks keep their flags and defaults", () => {
  assert.deepEqual(parseSinkThroughputArgs([]), { events: 50_000, batch: 5000 });
  assert.deepEqual(parseSinkThroughputArgs(["--events", "10", "--batch", "2"]), {
    events: 10,
    batch: 2,
  });
  assert.deepEqual(parseClickHouseInsertArgs([]), { rows: 30_000, runs: 3 });
  assert.deepEqual(parseClickHouseInsertArgs(["--rows", "500", "--runs", "1"]), {
    rows: 500,
    runs: 1,
  });
  assert.deepEqual(parseKafkaClientsArgs([]), {
    records: 200_000,
    batch: 1000,
    rebalanceRecords: 60_000,
  });
  assert.deepEqual(parseKafkaClientsArgs(["--rebalance-records", "7"]).rebalanceRecords, 7);
  assert.throws(
    () => parseKafkaClientsArgs(["--records", "0"]),
    /--records must be an integer of at least 1, got "0"/,
  );
});

Deno.test("parseSuiteArgs() runs every phase unless --only names some, and rejects unknown ones", () => {
  const all = parseSuiteArgs([]);
  assert.deepEqual([...all.only], ["single", "batch", "sink", "standin", "pipeline"]);
  assert.deepEqual([all.runs, all.sustainS, all.startRate, all.note], [1, 60, 10_000, null]);
  const some = parseSuiteArgs(["--only", "sink,single", "--runs", "3", "--note", "loaded machine"]);
  assert.deepEqual([[...some.only], some.runs, some.note], [
    ["sink", "single"],
    3,
    "loaded machine",
  ]);
  assert.throws(() => parseSuiteArgs(["--only", "sink,wrk"]), {
    name: "UsageError",
    message: 'Unknown phase "wrk"; choose from single, batch, sink, standin, pipeline',
  });
  assert.throws(() => parseSuiteArgs(["--runs", "0"]), /--runs must be an integer of at least 1/);
  assert.deepEqual(parseBareServerArgs([]), { port: 18090 });
  assert.deepEqual(parseBareServerArgs(["18191"]), { port: 18191 });
  assert.throws(() => parseBareServerArgs(["http"]), /--port must be an integer/);
});
