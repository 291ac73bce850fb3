/**
 * Where ingest's CPU goes per single event (not a test): runs the real ingest process under wrk,
 * reports events/s and the process's CPU per request, and with `--prof` a V8 CPU profile summary
 * (self and inclusive share per function).
 *
 * Run: node_modules/.bin/deno run -A ingest/bench/profile.ts [--prof] [--connections 50]
 *      [--duration 10] [--limits on|off] [--body file.json]
 * Needs wrk and the local Kafka, Postgres (eventflow_test) and Redis. Creates and removes its own
 * topic (test_ingest_*), source row and Redis key prefix; profiles go to a temporary directory.
 */
import { createSourceStore } from "../adapters/sources.ts";
import { BROKERS, TEST_DATABASE_URL, testSql, testTopic } from "../adapters/_test_env.ts";
import { hashWriteKey } from "../core/write_key.ts";
import { BRIEF_EXAMPLE } from "../core/_fixtures.ts";

function option(name: string, fallback: string): string {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Deno.args[at + 1] ?? fallback : fallback;
}
const PROFILE = Deno.args.includes("--prof");
const CONNECTIONS = Number(option("connections", "50"));
const DURATION = Number(option("duration", "10"));
const LIMITS = option("limits", "on") === "on" ? "100000000" : "0";
const BODY_FILE = option("body", "");
const PORT = 18180;

/** User + system CPU seconds of a process so far. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await Deno.readTextFile(`/proc/${pid}/stat`)).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

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

await using topic = await testTopic(6);
await using sql = await testSql();
const sourceId = `test_prof_${crypto.randomUUID().slice(0, 8)}`;
const key = `bench_${crypto.randomUUID()}`;
await createSourceStore(sql).create({
  sourceId,
  name: "profile",
  platform: "web",
  hash: await hashWriteKey(key),
});
const body = BODY_FILE ? await Deno.readTextFile(BODY_FILE) : JSON.stringify(BRIEF_EXAMPLE);
const lua = await Deno.makeTempFile({ suffix: ".lua" });
await Deno.writeTextFile(
  lua,
  [
    `wrk.method = "POST"`,
    `wrk.body = ${JSON.stringify(body)}`,
    `wrk.headers["Content-Type"] = "application/json"`,
    `wrk.headers["Authorization"] = ${JSON.stringify(`Basic ${btoa(`${key}:`)}`)}`,
  ].join("\n"),
);
const profDir = await Deno.makeTempDir({ prefix: "ingest_prof_" });
const ingest = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    ...(PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []),
    new URL("../main.ts", import.meta.url).pathname,
  ],
  env: {
    KAFKA_BROKERS: BROKERS.join(","),
    TOPIC_RAW: topic.name,
    DATABASE_URL: TEST_DATABASE_URL,
    PORT: String(PORT),
    LOG_LEVEL: "warn",
    INGEST_ENSURE_TOPIC: "false",
    INGEST_RATE_LIMIT_PREFIX: `test:ingest:prof:${sourceId}`,
    // "on": limits too high to throttle, but the Redis check runs per request.
    INGEST_RATE_LIMIT_KEY_EVENTS: LIMITS,
    INGEST_RATE_LIMIT_IP_REQUESTS: LIMITS,
  },
  stdout: "null",
}).spawn();
try {
  for (let i = 0;; i++) {
    const ready = await fetch(`http://127.0.0.1:${PORT}/readyz`).then(async (r) => {
      await r.body?.cancel();
      return r.ok;
    }).catch(() => false);
    if (ready) break;
    if (i > 150) throw new Error("ingest did not become ready within 30 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  const cpuBefore = await cpuSeconds(ingest.pid);
  const url = `http://127.0.0.1:${PORT}/api/v1/event`;
  const out = await new Deno.Command("wrk", {
    args: ["-t1", `-c${CONNECTIONS}`, `-d${DURATION}s`, "--latency", "-s", lua, url],
    stdout: "piped",
  }).output();
  const cpu = (await cpuSeconds(ingest.pid)) - cpuBefore;
  const text = new TextDecoder().decode(out.stdout);
  const requests = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  console.log(
    `wrk -t1 -c${CONNECTIONS} -d${DURATION}s, rate limits ${LIMITS === "0" ? "off" : "on"}: ${
      /Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]
    } events/s, p50 ${/\s50%\s+(\S+)/.exec(text)?.[1]}, p99 ${
      /\s99%\s+(\S+)/.exec(text)?.[1]
    }, non-2xx ${non2xx}`,
  );
  console.log(
    `ingest process CPU: ${cpu.toFixed(2)} s for ${requests} requests = ${
      (cpu / requests * 1e6).toFixed(0)
    } µs per request (all threads)`,
  );
} finally {
  ingest.kill("SIGTERM");
  await ingest.status;
  await sql`DELETE FROM sources WHERE source_id = ${sourceId}`;
  await Deno.remove(lua);
}
if (PROFILE) {
  // V8 writes the profile when the process exits (graceful shutdown above).
  for await (const entry of Deno.readDir(profDir)) {
    summarize(JSON.parse(await Deno.readTextFile(`${profDir}/${entry.name}`)));
    console.log(`\nProfile: ${profDir}/${entry.name} (open in Chrome DevTools > Performance)`);
  }
} else {
  await Deno.remove(profDir);
}
