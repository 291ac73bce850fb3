/**
 * Where ingest's CPU goes per single event (not a test): runs the real ingest process under wrk,
 * reports events/s and the process's CPU per request, and with `--prof` a V8 CPU profile summary
 * (self and inclusive share per function).
 *
 * Run: node_modules/.bin/deno run -A bench/ingest/profile.ts [--prof] [--connections 50]
 *      [--duration 10] [--limits on|off] [--body file.json]
 * Needs wrk and the local Kafka, Postgres (eventflow_test) and Redis. Creates and removes its own
 * topic (test_ingest_*), source row and Redis key prefix; profiles go to a temporary directory.
 */
import { runCli } from "../../shared/cli.ts";
import { INGEST_PROFILE_USAGE, type IngestProfileArgs, parseIngestProfileArgs } from "../args.ts";
import { freePort, httpOk, spawnChild, waitChildReady } from "../../shared/process/mod.ts";
import { BROKERS, TEST_DATABASE_URL, testSql, testTopic } from "../../ingest/testing/env.ts";
import { BRIEF_EXAMPLE } from "../../ingest/testing/fixtures.ts";
import { cpuSeconds } from "../suite/proc.ts";
import { runWrk } from "../suite/wrk.ts";
import { freshUserScript } from "./_wrk.ts";
import { benchSource } from "./_source.ts";

const PORT = 18180;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Prints the top functions by self and inclusive share of the sampled time. */
function summarize(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }) {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) =>
    `${n.callFrame.functionName || "(anonymous)"} ${
      n.callFrame.url.replace(/.*node_modules\//, "").replace(
        /^file:\/\/.*?\/(ingest|shared)\//,
        "$1/",
      )
    }:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (cur === id) self.set(l, (self.get(l) ?? 0) + dt);
      if (!seen.has(l)) inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
      seen.add(l);
    }
  });
  const top = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
      .map(([l, t]) => `${(100 * t / total).toFixed(1).padStart(5)} %  ${l}`).join("\n");
  console.log(`\nSelf time (top 25):\n${top(self, 25)}`);
  console.log(`\nInclusive time (top 50):\n${top(inclusive, 50)}`);
}

async function main(args: IngestProfileArgs): Promise<void> {
  const limits = args.limits ? "100000000" : "0";
  await using topic = await testTopic(6);
  await using sql = await testSql();
  await using source = await benchSource(sql, "test_prof_");
  const body = args.bodyFile
    ? await Deno.readTextFile(args.bodyFile)
    : JSON.stringify(BRIEF_EXAMPLE);
  const profDir = await Deno.makeTempDir({ prefix: "ingest_prof_" });
  const ingest = spawnChild(Deno.execPath(), {
    name: "ingest",
    args: [
      "run",
      "-A",
      ...(args.profile ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []),
      new URL("../../ingest/main.ts", import.meta.url).pathname,
    ],
    env: {
      KAFKA_BROKERS: BROKERS.join(","),
      TOPIC_RAW: topic.name,
      DATABASE_URL: TEST_DATABASE_URL,
      PORT: String(PORT),
      OPS_PORT: String(freePort()),
      LOG_LEVEL: "warn",
      INGEST_ENSURE_TOPIC: "false",
      INGEST_RATE_LIMIT_PREFIX: `test:ingest:prof:${source.sourceId}`,
      // "on": limits too high to throttle, but every check runs (and syncs to Redis).
      INGEST_RATE_LIMIT_KEY_EVENTS: limits,
      INGEST_RATE_LIMIT_KEY_IP_EVENTS: limits,
      INGEST_RATE_LIMIT_IP_EVENTS: limits,
    },
    stderrOnly: true,
  });
  try {
    await waitChildReady(ingest, () => httpOk(`http://127.0.0.1:${PORT}/readyz`), {
      timeoutMs: 30_000,
      what: "ingest /readyz",
      intervalMs: 200,
    });
    const cpuBefore = await cpuSeconds(ingest.pid);
    const result = await runWrk(
      `http://127.0.0.1:${PORT}/api/v1/event`,
      freshUserScript(body, { Authorization: source.authorization }),
      { threads: 1, connections: args.connections, durationS: args.durationS },
    );
    const cpu = (await cpuSeconds(ingest.pid)) - cpuBefore;
    console.log(
      `wrk -t1 -c${args.connections} -d${args.durationS}s, rate limits ${
        args.limits ? "on" : "off"
      }: ${result.requestsPerSec} events/s, p50 ${result.latencyMs.p50.toFixed(2)}ms, p99 ${
        result.latencyMs.p99.toFixed(2)
      }ms, non-2xx ${result.non2xx}`,
    );
    console.log(
      `ingest process CPU: ${cpu.toFixed(2)} s for ${result.requests} requests = ${
        (cpu / result.requests * 1e6).toFixed(0)
      } µs per request (all threads)`,
    );
  } finally {
    await ingest.stop();
  }
  if (args.profile) {
    // V8 writes the profile when the process exits (graceful shutdown above).
    for await (const entry of Deno.readDir(profDir)) {
      summarize(JSON.parse(await Deno.readTextFile(`${profDir}/${entry.name}`)));
      console.log(`\nProfile: ${profDir}/${entry.name} (open in Chrome DevTools > Performance)`);
    }
  } else {
    await Deno.remove(profDir);
  }
}

if (import.meta.main) {
  Deno.exit(
    await runCli(INGEST_PROFILE_USAGE, Deno.args, async (args) => {
      await main(parseIngestProfileArgs(args));
      return 0;
    }),
  );
}
