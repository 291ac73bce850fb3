/**
 * Ingest throughput benchmark (not a test): wrk against a bare Deno.serve JSON handler and against
 * the real ingest process (Kafka acks=all, Redis rate limiter, Postgres-backed key cache), in one run.
 *
 * Run: node_modules/.bin/deno run -A bench/ingest/throughput.ts [--duration 15] [--connections 64] [--batch 100]
 * Needs wrk (/usr/bin/wrk) and the local Kafka, Postgres (eventflow_test) and Redis. Creates and
 * removes its own topic (test_ingest_*), source row and Redis key prefix.
 */
import { runCli } from "../../shared/cli.ts";
import {
  INGEST_THROUGHPUT_USAGE,
  type IngestThroughputArgs,
  parseIngestThroughputArgs,
} from "../args.ts";
import { freePort, httpOk, spawnChild, tcpOpen, waitChildReady } from "../../shared/process/mod.ts";
import { BROKERS, TEST_DATABASE_URL, testSql, testTopic } from "../../ingest/testing/env.ts";
import { BRIEF_EXAMPLE } from "../../ingest/testing/fixtures.ts";
import { runWrk, type WrkResult } from "../suite/wrk.ts";
import { freshUserScript } from "./_wrk.ts";
import { benchSource } from "./_source.ts";

const BARE_SERVER = new URL("../suite/bare_server.ts", import.meta.url).pathname;
const INGEST_MAIN = new URL("../../ingest/main.ts", import.meta.url).pathname;

const ms = (n: number) => `${n.toFixed(2)}ms`;

async function main(args: IngestThroughputArgs): Promise<void> {
  const wrk = (url: string, body: string, authorization: string): Promise<WrkResult> =>
    runWrk(url, freshUserScript(body, { Authorization: authorization }), {
      threads: 1,
      connections: args.connections,
      durationS: args.durationS,
    });
  await using topic = await testTopic(6);
  await using sql = await testSql();
  await using source = await benchSource(sql, "test_bench_");
  const event = JSON.stringify(BRIEF_EXAMPLE);

  const barePort = freePort();
  let bare: WrkResult;
  {
    await using child = spawnChild(Deno.execPath(), {
      name: "bare server",
      args: ["run", "-A", BARE_SERVER, String(barePort)],
    });
    await waitChildReady(child, () => tcpOpen("127.0.0.1", barePort), {
      timeoutMs: 30_000,
      what: `the bare server on port ${barePort}`,
    });
    bare = await wrk(`http://127.0.0.1:${barePort}/`, event, source.authorization);
  }

  // Both ports named: the ops server logs "Listening" first, so waiting for the log would find it.
  const port = freePort();
  const opsPort = freePort();
  await using ingest = spawnChild(Deno.execPath(), {
    name: "ingest",
    args: ["run", "-A", INGEST_MAIN],
    env: {
      KAFKA_BROKERS: BROKERS.join(","),
      TOPIC_RAW: topic.name,
      DATABASE_URL: TEST_DATABASE_URL,
      INGEST_RATE_LIMIT_PREFIX: `test:ingest:bench:${source.sourceId}`,
      // Limits high enough not to throttle the benchmark, but every check still runs.
      INGEST_RATE_LIMIT_KEY_EVENTS: "100000000",
      INGEST_RATE_LIMIT_KEY_IP_EVENTS: "100000000",
      INGEST_RATE_LIMIT_IP_EVENTS: "100000000",
      PORT: String(port),
      OPS_PORT: String(opsPort),
    },
    stderrOnly: true,
  });
  await waitChildReady(ingest, () => httpOk(`http://127.0.0.1:${port}/readyz`), {
    timeoutMs: 60_000,
    what: "ingest /readyz",
  });
  const base = `http://127.0.0.1:${port}`;
  const single = await wrk(`${base}/api/v1/event`, event, source.authorization);
  const batchBody = JSON.stringify({
    events: Array.from({ length: args.batch }, () => BRIEF_EXAMPLE),
  });
  const batch = await wrk(`${base}/api/v1/events`, batchBody, source.authorization);
  // Metrics are on the ops port only (the public one serves status).
  const metricLines = (await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text()).split(
    "\n",
  );
  const statuses = metricLines.filter((line) => line.startsWith("eventflow_ingest_requests_total{"))
    .map((line) => line.replace(/,service="ingest"\}/, "}"));
  const metricValue = (name: string) =>
    Number(metricLines.find((line) => line.startsWith(name))?.split(" ")[1]);
  const ackSum = metricValue("eventflow_ingest_kafka_ack_duration_seconds_sum");
  const ackCount = metricValue("eventflow_ingest_kafka_ack_duration_seconds_count");

  const { connections, durationS } = args;
  console.log(
    `wrk -t1 -c${connections} -d${durationS}s --latency, ${navigator.hardwareConcurrency} cores, wrk + Deno + Kafka + Redis on one machine`,
  );
  console.log(
    `bare Deno.serve JSON   : ${bare.requestsPerSec.toFixed(0)} req/s  p50 ${
      ms(bare.latencyMs.p50)
    }  p99 ${ms(bare.latencyMs.p99)}`,
  );
  console.log(
    `ingest /api/v1/event   : ${single.requestsPerSec.toFixed(0)} events/s  p50 ${
      ms(single.latencyMs.p50)
    }  p99 ${ms(single.latencyMs.p99)}  non-2xx ${single.non2xx}  (${
      (100 * single.requestsPerSec / bare.requestsPerSec).toFixed(0)
    }% of bare)`,
  );
  console.log(
    `ingest /api/v1/events  : ${(batch.requestsPerSec * args.batch).toFixed(0)} events/s (${
      batch.requestsPerSec.toFixed(0)
    } req/s × ${args.batch})  p50 ${ms(batch.latencyMs.p50)}  p99 ${
      ms(batch.latencyMs.p99)
    }  non-2xx ${batch.non2xx}`,
  );
  console.log(
    `mean Kafka ack per send: ${((1000 * ackSum) / ackCount).toFixed(1)} ms over ${ackCount} sends`,
  );
  for (const line of statuses) console.log(line);
}

if (import.meta.main) {
  Deno.exit(
    await runCli(INGEST_THROUGHPUT_USAGE, Deno.args, async (args) => {
      await main(parseIngestThroughputArgs(args));
      return 0;
    }),
  );
}
