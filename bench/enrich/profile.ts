/**
 * Where enrich's CPU goes: reads a V8 `.cpuprofile` of the service (written by
 * `BENCH_CPU_PROF_DIR=<dir> … bench/enrich/throughput_kafka.ts`) and prints a Markdown table of
 * the busy samples by part of the work. Each sample goes to the innermost frame on its stack that
 * a category claims, so a step's Redis call counts under the step, and the Kafka client's code
 * under the consumer or the producer that called it.
 *
 *   node_modules/.bin/deno run -A bench/enrich/profile.ts <file.cpuprofile> [cpu-s-per-1000]
 *
 * With the measured CPU seconds per 1,000 events, each row also gets its share of that figure
 * (start-up excluded from the shares).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** First match wins, tested from the sample's own frame outwards; `fn@url` is matched. */
const CATEGORIES: Array<[string, RegExp]> = [
  [
    "start-up: loading and compiling modules",
    /^(compileFunction|loadExtScript)@|node:module|op_require|ajv\/dist/,
  ],
  ["read: JSON.parse + zod (parseRaw)", /^(parseRaw|parseMessage)@/],
  [
    "step metrics (prom-client observe)",
    /^observe@.*enrich\/wiring\.ts|prom-client\/lib\/histogram/,
  ],
  ["/metrics scrapes", /^getMetricsAsString@/],
  ["step: geo (mmdb + names)", /^run@.*steps\/geo\.ts/],
  ["step: privacy (masking)", /^run@.*steps\/privacy\.ts/],
  ["step: normalize", /^run@.*steps\/normalize\.ts/],
  ["step: marketing", /^run@.*steps\/marketing\.ts/],
  ["step: device (UA)", /^run@.*steps\/device\.ts/],
  ["step: session", /^run@.*steps\/session\.ts/],
  ["steps: identity, user, product, revenue", /^run@.*steps\/(identity|user|product|revenue)\.ts/],
  ["pipeline: event copy, merge, timing", /enrich\/steps\/pipeline\.ts/],
  [
    "batch prefetch + write-back (Redis, PostgreSQL)",
    /^(prepare|flush)@.*enrich\/|ioredis|postgres\/src/,
  ],
  ["write: JSON.stringify + key, handler", /enrich\/handler\.ts/],
  ["Kafka producer (encode, send)", /shared\/kafka\/producer\.ts|clients\/producer/],
  [
    "Kafka consumer (fetch, decode, commit)",
    /shared\/kafka\/consumer\.ts|clients\/consumer|apis\/consumer/,
  ],
  [
    "network I/O (Kafka, Redis, PostgreSQL sockets)",
    /@platformatic\/kafka|ext:deno_node\/(net|internal\/stream)/,
  ],
  ["garbage collection", /^\(garbage collector\)@/],
];

const OTHER = "other (runtime, timers, lag sampler)";

/** Busy microseconds per category of a parsed `.cpuprofile`. */
export function categorize(profile: {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}): Map<string, number> {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const categoryOf = new Map<number, string | null>();
  const classify = (id: number): string | null => {
    const known = categoryOf.get(id);
    if (known !== undefined) return known;
    const frame = nodes.get(id)!.callFrame;
    const label = `${frame.functionName || "(anonymous)"}@${frame.url}`;
    const own = CATEGORIES.find(([, re]) => re.test(label))?.[0] ?? null;
    const up = parent.get(id);
    const result = own ?? (up === undefined ? null : classify(up));
    categoryOf.set(id, result);
    return result;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const name = nodes.get(id)?.callFrame.functionName;
    if (name === "(idle)" || name === "(program)") return;
    const category = classify(id) ?? OTHER;
    totals.set(category, (totals.get(category) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return totals;
}

if (import.meta.main) {
  const [file, perThousand] = Deno.args;
  if (file === undefined) {
    console.error("Usage: deno run -A bench/enrich/profile.ts <file.cpuprofile> [cpu-s-per-1000]");
    Deno.exit(2);
  }
  const totals = categorize(JSON.parse(await Deno.readTextFile(file)));
  const startup = totals.get(CATEGORIES[0]![0]) ?? 0;
  const busy = [...totals.values()].reduce((a, b) => a + b, 0) - startup;
  const rows = [...totals].filter(([c]) => c !== CATEGORIES[0]![0]).sort((a, b) => b[1] - a[1]);
  console.log(
    `| part of the work | share of busy samples${perThousand ? " | CPU s per 1,000 events" : ""} |`,
  );
  console.log(`| --- | --- ${perThousand ? "| --- " : ""}|`);
  for (const [category, us] of rows) {
    const share = us / busy;
    const cpu = perThousand ? ` | ${(share * Number(perThousand)).toFixed(3)}` : "";
    console.log(`| ${category} | ${(share * 100).toFixed(1)}%${cpu} |`);
  }
  console.log(`\n(start-up, not in the shares: ${(startup / 1e6).toFixed(2)} s of samples)`);
}
