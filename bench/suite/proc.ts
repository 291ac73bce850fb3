/** Child processes of the suite (services, baselines, wrk, Java) and their CPU time. */

import { type Child, httpOk, run, spawnChild, waitChildReady } from "../../shared/process/mod.ts";

/** A running child with its log file. */
export type BenchChild = Child & { readonly log: string };

const REPO = decodeURIComponent(new URL("../..", import.meta.url).pathname).replace(/\/$/, "");
const DENO = `${REPO}/node_modules/.bin/deno`;

/** The repository root. */
export function repoRoot(): string {
  return REPO;
}

/** Starts `deno run -A <script>` with `env` added, output to `<logDir>/<name>.log`. */
export function spawnDeno(
  name: string,
  script: string,
  opts: { env: Record<string, string>; logDir: string; args?: string[] },
): BenchChild {
  const log = `${opts.logDir}/${name}.log`;
  const child = spawnChild(DENO, {
    name,
    args: ["run", "-A", script, ...(opts.args ?? [])],
    cwd: REPO,
    env: opts.env,
    output: { file: log },
  });
  return Object.assign(child, { log });
}

/** Waits until `url` answers 2xx, failing with the log's tail after `timeoutMs`. */
export async function waitReady(url: string, child: Child, timeoutMs = 60_000): Promise<void> {
  await waitChildReady(child, () => httpOk(url), { timeoutMs, what: url, intervalMs: 250 });
}

/** Runs a command in the repository root to completion; throws with the output on failure. */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string> } = {},
): Promise<string> {
  return run(cmd, args, { env: opts.env, cwd: REPO });
}

/** Parses user+system CPU seconds from the text of `/proc/<pid>/stat`. */
export function cpuSecondsFromStat(stat: string, ticksPerSecond = 100): number {
  // The command name (field 2) may contain spaces and parentheses: split after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`Cannot parse /proc stat "${stat.slice(0, 80)}"`);
  }
  return (utime + stime) / ticksPerSecond;
}

/** CPU seconds used so far by `pid` (Linux). */
export async function cpuSeconds(pid: number): Promise<number> {
  return cpuSecondsFromStat(await Deno.readTextFile(`/proc/${pid}/stat`));
}
