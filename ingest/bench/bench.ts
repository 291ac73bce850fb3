/**
 * Ingest throughput benchmark (not a test): wrk against a bare Deno.serve JSON handler and against
 * the real ingest process (Kafka acks=all, Redis rate limiter, Postgres-backed key cache), in one run.
 *
 * Run: node_modules/.bin/deno run -A ingest/bench/bench.ts [--duration 15] [--connections 64] [--batch 100]
 * Needs wrk (/usr/bin/wrk) and the local Kafka, Postgres (eventflow_test) and Redis. Creates and
 * removes its own topic (test_bench_*), source row and Redis key prefix.
 */
import { createSourceStore } from "../adapters/sources.ts";
import { BROKERS, TEST_DATABASE_URL, testSql, testTopic } from "../adapters/_test_env.ts";
import { hashWriteKey } from "../core/write_key.ts";
import { BRIEF_EXAMPLE } from "../core/_fixtures.ts";

function flag(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
}
const DURATION = flag("duration", 15);
const CONNECTIONS = flag("connections", 64);
const BATCH = flag("batch", 100);

async function start(script: string, env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(script, import.meta.url).pathname],
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (true) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${script} exited:\n${text}`);
    text += value;
    const match = /"message":"Listening"[^\n]*"port":(\d+)/.exec(text);
    if (match) {
      void (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })();
      return { child, port: Number(match[1]) };
    }
  }
}

interface WrkResult {
  rps: number;
  p50: string;
  p99: string;
  non2xx: number;
  requests: number;
}

async function wrk(url: string, body: string, headers: Record<string, string>): Promise<WrkResult> {
  const lua = await Deno.makeTempFile({ suffix: ".lua" });
  const lines = [`wrk.method = "POST"`, `wrk.body = ${JSON.stringify(body)}`];
  for (const [name, value] of Object.entries(headers)) {
    lines.push(`wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`);
  }
  await Deno.writeTextFile(lua, lines.join("\n"));
  const args = ["-t2", `-c${CONNECTIONS}`, `-d${DURATION}s`, "--latency", "-s", lua, url];
  const out = await new Deno.Command("wrk", { args, stdout: "piped", stderr: "piped" }).output();
  await Deno.remove(lua);
  const text = new TextDecoder().decode(out.stdout);
  const pick = (re: RegExp) => re.exec(text)?.[1] ?? "?";
  return {
    rps: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
    p50: pick(/\s50%\s+(\S+)/),
    p99: pick(/\s99%\s+(\S+)/),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0),
    requests: Number(pick(/(\d+) requests in/)),
  };
}

await using topic = await testTopic(6);
await using sql = await testSql();
const sourceId = `test_bench_${crypto.randomUUID().slice(0, 8)}`;
const key = `bench_${crypto.randomUUID()}`;
await createSourceStore(sql).create({
  sourceId,
  name: "bench",
  platform: "web",
  hash: await hashWriteKey(key),
});
const headers = { "content-type": "application/json", authorization: `Basic ${btoa(key + ":")}` };
const prefix = `test:ingest:bench:${sourceId}`;

const bare = await start("./bare_server.ts", {});
const bareResult = await wrk(
  `http://127.0.0.1:${bare.port}/`,
  JSON.stringify(BRIEF_EXAMPLE),
  headers,
);
bare.child.kill("SIGTERM");
await bare.child.status;

const ingest = await start("../main.ts", {
  KAFKA_BROKERS: BROKERS.join(","),
  TOPIC_RAW: topic.name,
  DATABASE_URL: TEST_DATABASE_URL,
  INGEST_RATE_LIMIT_PREFIX: prefix,
  // Limits high enough not to throttle the benchmark, but the Redis check still runs per request.
  INGEST_RATE_LIMIT_KEY_EVENTS: "100000000",
  INGEST_RATE_LIMIT_IP_REQUESTS: "100000000",
  PORT: "0",
});
const base = `http://127.0.0.1:${ingest.port}`;
const single = await wrk(`${base}/api/v1/event`, JSON.stringify(BRIEF_EXAMPLE), headers);
const batchBody = JSON.stringify({ events: Array.from({ length: BATCH }, () => BRIEF_EXAMPLE) });
const batch = await wrk(`${base}/api/v1/events`, batchBody, headers);
const metricsText = await (await fetch(`${base}/metrics`)).text();
const metricLines = metricsText.split("\n");
const statuses = metricLines.filter((line) => line.startsWith("eventflow_ingest_requests_total{"))
  .map((line) => line.replace(/,service="ingest"\}/, "}"));
const metricValue = (name: string) =>
  Number(metricLines.find((line) => line.startsWith(name))?.split(" ")[1]);
const ackSum = metricValue("eventflow_ingest_kafka_ack_duration_seconds_sum");
const ackCount = metricValue("eventflow_ingest_kafka_ack_duration_seconds_count");
ingest.child.kill("SIGTERM");
await ingest.child.status;
await sql`DELETE FROM sources WHERE source_id = ${sourceId}`;

const cores = navigator.hardwareConcurrency;
console.log(
  `wrk -t2 -c${CONNECTIONS} -d${DURATION}s --latency, ${cores} cores, wrk + Deno + Kafka + Redis on one machine`,
);
console.log(
  `bare Deno.serve JSON   : ${
    bareResult.rps.toFixed(0)
  } req/s  p50 ${bareResult.p50}  p99 ${bareResult.p99}`,
);
console.log(
  `ingest /api/v1/event   : ${
    single.rps.toFixed(0)
  } events/s  p50 ${single.p50}  p99 ${single.p99}  non-2xx ${single.non2xx}  (${
    (100 * single.rps / bareResult.rps).toFixed(0)
  }% of bare)`,
);
console.log(
  `ingest /api/v1/events  : ${(batch.rps * BATCH).toFixed(0)} events/s (${
    batch.rps.toFixed(0)
  } req/s × ${BATCH})  p50 ${batch.p50}  p99 ${batch.p99}  non-2xx ${batch.non2xx}`,
);
console.log(
  `mean Kafka ack per send: ${((1000 * ackSum) / ackCount).toFixed(1)} ms over ${ackCount} sends`,
);
for (const line of statuses) console.log(line);
