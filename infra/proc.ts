/**
 * Process, file and network helpers of the local stack (infra/stack, infra/kafka,
 * infra/clickhouse): detached starts, pid files, stops, probes, waits.
 */

/** Whether `pid` names a live, non-zombie process. */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Options of {@linkcode readLivePid}. */
export interface ReadLivePidOptions {
  /**
   * Trust the pid only when `/proc/<pid>/cmdline` contains this (default: any process). A stale
   * pid file may name an unrelated process after a reboot.
   */
  cmdlineIncludes?: string;
}

/** The first line of a pid file as a live pid, or null when absent, garbage or dead. */
export async function readLivePid(
  pidFile: string,
  opts: ReadLivePidOptions = {},
): Promise<number | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(pidFile);
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.split("\n")[0]?.trim() ?? "", 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  if (opts.cmdlineIncludes === undefined) return pid;
  try {
    const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    return cmdline.includes(opts.cmdlineIncludes) ? pid : null;
  } catch {
    return null;
  }
}

/** SIGTERM, wait up to `timeoutMs` (default 15 s), then SIGKILL. Resolves once `pid` is gone. */
export async function stopPid(pid: number, opts: { timeoutMs?: number } = {}): Promise<void> {
  if (!signal(pid, "SIGTERM")) return;
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  while (isAlive(pid) && Date.now() < deadline) await delay(100);
  if (!isAlive(pid)) return;
  signal(pid, "SIGKILL");
  const killDeadline = Date.now() + 5_000;
  while (isAlive(pid) && Date.now() < killDeadline) await delay(50);
  if (isAlive(pid)) {
    throw new Error(`Process ${pid} survived SIGKILL; inspect it with "ps -p ${pid}"`);
  }
}

function signal(pid: number, sig: Deno.Signal): boolean {
  try {
    Deno.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Whether something accepts TCP connections on `host:port` within `timeoutMs` (default 1 s). */
export async function tcpOpen(
  host: string,
  port: number,
  opts: { timeoutMs?: number } = {},
): Promise<boolean> {
  const attempt = Deno.connect({ hostname: host, port }).then((conn) => {
    conn.close();
    return true;
  }, () => false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), opts.timeoutMs ?? 1_000);
  });
  const open = await Promise.race([attempt, timeout]);
  clearTimeout(timer);
  return open;
}

/** Whether an HTTP GET of `url` answers 2xx within `timeoutMs` (default 2 s). */
export async function httpOk(url: string, opts: { timeoutMs?: number } = {}): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Polls `probe` every `intervalMs` (default 200) until it returns true; throws an error built
 * from `what` after `timeoutMs`, so a dead component never hangs a caller.
 */
export async function waitFor(
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; what: string; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await delay(opts.intervalMs ?? 200);
  }
  throw new Error(`${opts.what} was not ready within ${Math.round(opts.timeoutMs / 1000)} s`);
}

/** Runs a command to completion, throwing with its output tail when it fails. */
export async function run(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    env: opts.env,
    cwd: opts.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output().catch((cause) => {
    throw new Error(`Cannot run "${cmd}": ${(cause as Error).message}`, { cause });
  });
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(`"${cmd} ${args.join(" ")}" exited with ${out.code}:\n${text.slice(-2000)}`);
  }
  return text;
}

/** Whether `path` exists; errors other than "not found" (e.g. permissions) are thrown. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts `cmd` in its own session (setsid) so it outlives the caller, with stdout/stderr appended
 * to `logFile`. The shell writes its pid to `pidFile` and then execs `cmd`, so the pid file names
 * `cmd` itself. Returns that pid once the file names a live process (with `cmdlineIncludes`:
 * once that process has exec'd `cmd`).
 */
export async function spawnDetached(
  cmd: string,
  args: string[],
  opts: { pidFile: string; logFile: string; env?: Record<string, string> } & ReadLivePidOptions,
): Promise<number> {
  await Deno.remove(opts.pidFile).catch(() => {});
  const child = new Deno.Command("setsid", {
    args: [
      "-f",
      "sh",
      "-c",
      'echo $$ > "$EF_PID_FILE"; exec "$@" >>"$EF_LOG_FILE" 2>&1 </dev/null',
      cmd,
      cmd,
      ...args,
    ],
    env: { ...opts.env, EF_PID_FILE: opts.pidFile, EF_LOG_FILE: opts.logFile },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await child.status;
  for (let i = 0; i < 100; i++) {
    const pid = await readLivePid(opts.pidFile, opts);
    if (pid !== null) return pid;
    await delay(50);
  }
  throw new Error(
    `"${cmd}" did not start: no live pid in "${opts.pidFile}"; see "${opts.logFile}"`,
  );
}
