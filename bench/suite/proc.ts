/** Child processes of the suite (services, baselines, wrk, Java) and their CPU time. */

/** A running child with its log file. */
export interface Child {
  name: string;
  pid: number;
  log: string;
  stop(): Promise<void>;
}

const REPO = decodeURIComponent(new URL("../..", import.meta.url).pathname).replace(/\/$/, "");
const DENO = `${REPO}/node_modules/.bin/deno`;

/** The repository root. */
export function repoRoot(): string {
  return REPO;
}

/** Starts `deno run -A <script>` with `env` added, output to `<logDir>/<name>.log`. */
export async function spawnDeno(
  name: string,
  script: string,
  opts: { env: Record<string, string>; logDir: string; args?: string[] },
): Promise<Child> {
  const log = `${opts.logDir}/${name}.log`;
  const file = await Deno.open(log, { write: true, create: true, truncate: true });
  const child = new Deno.Command(DENO, {
    args: ["run", "-A", script, ...(opts.args ?? [])],
    cwd: REPO,
    env: opts.env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const pump = Promise.all([
    child.stdout.pipeTo(file.writable, { preventClose: true }),
    child.stderr.pipeTo(file.writable, { preventClose: true }),
  ]).catch(() => {});
  return {
    name,
    pid: child.pid,
    log,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 15_000);
      await child.status;
      clearTimeout(timer);
      await pump;
      file.close();
    },
  };
}

/** Waits until `url` answers 2xx, failing with the log's tail after `timeoutMs`. */
export async function waitReady(
  url: string,
  child: Child | null,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail = child ? (await Deno.readTextFile(child.log).catch(() => "")).slice(-1500) : "";
  throw new Error(
    `${url} was not ready within ${timeoutMs / 1000} s${tail ? `; log tail:\n${tail}` : ""}`,
  );
}

/** Runs a command to completion and returns stdout+stderr; throws with the output on failure. */
export async function runCommand(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string> } = {},
): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: REPO,
    env: opts.env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${out.code}:\n${text.slice(-2000)}`);
  }
  return text;
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
