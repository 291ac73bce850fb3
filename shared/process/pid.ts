/**
 * Processes that outlive their starter (the local stack's Kafka, ClickHouse, Prometheus…):
 * detached starts, pid files, liveness, stops.
 * @module
 */
import { sleep } from "../time.ts";

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
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (!isAlive(pid)) return;
  signal(pid, "SIGKILL");
  const killDeadline = Date.now() + 5_000;
  while (isAlive(pid) && Date.now() < killDeadline) await sleep(50);
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
    await sleep(50);
  }
  throw new Error(
    `"${cmd}" did not start: no live pid in "${opts.pidFile}"; see "${opts.logFile}"`,
  );
}
