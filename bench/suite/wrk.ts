/** wrk: the Lua script that POSTs one JSON body, running it, and the parser of its `--latency` report. */
import { run } from "../../shared/process/mod.ts";

/** Figures of one wrk run. */
export interface WrkResult {
  requests: number;
  durationS: number;
  requestsPerSec: number;
  latencyMs: { p50: number; p75: number; p90: number; p99: number; max: number };
  /** Responses outside 2xx/3xx. */
  non2xx: number;
  /** connect + read + write + timeout errors. */
  socketErrors: number;
}

/**
 * A wrk Lua script sending `body` as a JSON POST with `headers` on every request. With
 * `counter`, each occurrence of that text in the body becomes the request's sequence number
 * (1, 2, …), so every request carries, say, a fresh user id.
 */
export function wrkScript(
  body: string,
  headers: Record<string, string>,
  opts: { counter?: string } = {},
): string {
  const lines = [
    'wrk.method = "POST"',
    `wrk.body = ${luaString(body)}`,
    `wrk.headers["Content-Type"] = "application/json"`,
  ];
  for (const [k, v] of Object.entries(headers)) {
    lines.push(`wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`);
  }
  if (opts.counter !== undefined && body.includes(opts.counter)) {
    const parts = body.split(opts.counter).map(luaString);
    lines.push(
      "local n = 0",
      "request = function()",
      "  n = n + 1",
      `  return wrk.format(nil, nil, nil, ${parts.join(" .. n .. ")})`,
      "end",
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * A Lua long-bracket string literal that cannot be closed by the text inside it. As an index it
 * needs spaces: `t[[[k]]]` would parse as a call `t [[ [k ]]`.
 */
function luaString(text: string): string {
  let level = 0;
  while (text.includes(`]${"=".repeat(level)}]`)) level++;
  const eq = "=".repeat(level);
  return `[${eq}[${text}]${eq}]`;
}

/** Parses `12.5us`, `1.23ms`, `2.01s`, `1.5m` to milliseconds. */
export function parseDuration(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`Cannot parse wrk duration "${text}"`);
  const n = Number(m[1]);
  const unit = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "us"]!;
  return n * unit;
}

/** Parses wrk's output (run with `--latency`); throws naming what is missing. */
export function parseWrk(output: string): WrkResult {
  const need = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(output);
    if (!m) throw new Error(`Cannot find ${what} in wrk output:\n${output.slice(0, 2000)}`);
    return m;
  };
  const total = need(/(\d+) requests in ([\d.]+\w+),/, "the request total");
  const latencyLine = need(/^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)/m, "the latency line");
  const pct = (p: string) =>
    parseDuration(need(new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m"), `the ${p}% latency`)[1]!);
  const rps = need(/Requests\/sec:\s+([\d.]+)/, "Requests/sec");
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requests: Number(total[1]),
    durationS: parseDuration(total[2]!) / 1000,
    requestsPerSec: Number(rps[1]),
    latencyMs: {
      p50: pct("50"),
      p75: pct("75"),
      p90: pct("90"),
      p99: pct("99"),
      max: parseDuration(latencyLine[3]!),
    },
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sock ? sock.slice(1, 5).reduce((s, n) => s + Number(n), 0) : 0,
  };
}

/** Options of {@linkcode runWrk}. */
export interface RunWrkOptions {
  /** Open connections. */
  connections: number;
  /** Seconds of load. */
  durationS: number;
  /** wrk threads (default 1). */
  threads?: number;
}

/** Runs `/usr/bin/wrk --latency` with `script` (see {@linkcode wrkScript}) against `url`. */
export async function runWrk(url: string, script: string, opts: RunWrkOptions): Promise<WrkResult> {
  const path = await Deno.makeTempFile({ prefix: "wrk_", suffix: ".lua" });
  try {
    await Deno.writeTextFile(path, script);
    const output = await run("/usr/bin/wrk", [
      `-t${opts.threads ?? 1}`,
      `-c${opts.connections}`,
      `-d${opts.durationS}s`,
      "--latency",
      "-s",
      path,
      url,
    ]);
    return parseWrk(output);
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}
