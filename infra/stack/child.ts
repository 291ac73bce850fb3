/** Running child processes with their output streamed line by line. */

/** Calls `onLine` for each line of `stream` (a trailing partial line included). */
export async function forEachLine(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  }
  if (buffered !== "") onLine(buffered);
}

/**
 * Runs `cmd` with inherited stdio, killing it (SIGTERM, then SIGKILL after 10 s) when
 * `timeoutMs` passes; resolves to the exit code (124 on timeout, like coreutils `timeout`).
 */
export async function runInherited(
  cmd: string,
  args: string[],
  opts: { timeoutMs: number; env?: Record<string, string>; cwd?: string },
): Promise<number> {
  const child = new Deno.Command(cmd, { args, env: opts.env, cwd: opts.cwd }).spawn();
  return await withTimeout(child, opts.timeoutMs, `${cmd} ${args[0] ?? ""}`);
}

/** Awaits `child`'s exit, terminating it after `timeoutMs`; resolves to its exit code. */
export async function withTimeout(
  child: Deno.ChildProcess,
  timeoutMs: number,
  what: string,
): Promise<number> {
  let timedOut = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    console.error(`error: ${what} did not finish within ${Math.round(timeoutMs / 1000)} s`);
    kill(child, "SIGTERM");
    killTimer = setTimeout(() => kill(child, "SIGKILL"), 10_000);
  }, timeoutMs);
  const status = await child.status;
  clearTimeout(timer);
  clearTimeout(killTimer);
  return timedOut ? 124 : status.code;
}

function kill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch { /* already exited */ }
}
