/**
 * Child processes that live as long as their starter: services under `deno task start`, the
 * bench's services and baselines, services and Prometheus in tests, `deno test` under
 * `deno task test`. One way to start them with their output kept, wait for them and stop them.
 * @module
 */
import { sleep } from "../time.ts";

/** Where a child's stdout and stderr go. */
export type ChildOutput =
  /** The parent's terminal. */
  | "inherit"
  /** Kept in memory, read with {@linkcode Child.output}. */
  | "keep"
  /** Discarded. */
  | "null"
  /** Written to this file (truncated first); the last 16 KiB are also kept for error messages. */
  | { file: string }
  /** Handed over line by line (a trailing partial line included). */
  | { onLine: (line: string, stream: "stdout" | "stderr") => void };

/** Options of {@linkcode spawnChild}. */
export interface SpawnChildOptions {
  /** Arguments (default none). */
  args?: string[];
  /** Environment added to the parent's (default none). */
  env?: Record<string, string>;
  /** Working directory (default the parent's). */
  cwd?: string;
  /** Where stdout and stderr go (default "keep"). */
  output?: ChildOutput;
  /** Only stderr goes to `output`; stdout is discarded (default false). */
  stderrOnly?: boolean;
  /** Name in messages (default `cmd` and its first argument). */
  name?: string;
  /** Default grace of {@linkcode Child.stop} between SIGTERM and SIGKILL, in ms (default 15 000). */
  graceMs?: number;
}

/** A running child process; `await using` stops it. */
export interface Child extends AsyncDisposable {
  /** The name used in messages. */
  readonly name: string;
  /** Its process id. */
  readonly pid: number;
  /** Resolves with its status once it has exited and its output is drained. */
  readonly exited: Promise<Deno.CommandStatus>;
  /** Its status once exited, else null. */
  status(): Deno.CommandStatus | null;
  /** What it wrote so far ("keep"), or the last 16 KiB of it ({ file }); else "". */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once exited (at once if it already has). */
  stop(opts?: { graceMs?: number }): Promise<Deno.CommandStatus>;
  /** SIGKILL (a crash: nothing flushed or committed); resolves once exited. */
  kill(): Promise<Deno.CommandStatus>;
}

const TAIL_CHARS = 16 * 1024;

/** Starts `cmd` with its output routed as `opts.output` says. */
export function spawnChild(cmd: string, opts: SpawnChildOptions = {}): Child {
  const output = opts.output ?? "keep";
  const mode = output === "inherit" ? "inherit" : output === "null" ? "null" : "piped";
  const child = new Deno.Command(cmd, {
    args: opts.args ?? [],
    env: opts.env,
    cwd: opts.cwd,
    stdin: output === "inherit" ? "inherit" : "null",
    stdout: opts.stderrOnly ? "null" : mode,
    stderr: mode,
  }).spawn();
  let kept = "";
  const keep = (text: string, limit: number) => {
    kept += text;
    if (kept.length > limit) kept = kept.slice(-limit);
  };
  const streams: [ReadableStream<Uint8Array>, "stdout" | "stderr"][] = [];
  if (mode === "piped") {
    if (!opts.stderrOnly) streams.push([child.stdout, "stdout"]);
    streams.push([child.stderr, "stderr"]);
  }
  const drained = drain(streams, output, keep);
  let status: Deno.CommandStatus | null = null;
  const exited = child.status.then(async (s) => {
    await drained;
    status = s;
    return s;
  });
  const signal = (sig: Deno.Signal) => {
    try {
      child.kill(sig);
    } catch { /* already exited */ }
  };
  const stop = async (stopOpts: { graceMs?: number } = {}) => {
    if (status !== null) return status;
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), stopOpts.graceMs ?? opts.graceMs ?? 15_000);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    name: opts.name ?? `${cmd} ${opts.args?.[0] ?? ""}`.trim(),
    pid: child.pid,
    exited,
    status: () => status,
    output: () => kept,
    stop,
    kill: () => {
      signal("SIGKILL");
      return exited;
    },
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}

async function drain(
  streams: [ReadableStream<Uint8Array>, "stdout" | "stderr"][],
  output: ChildOutput,
  keep: (text: string, limit: number) => void,
): Promise<void> {
  if (streams.length === 0) return;
  if (typeof output === "object" && "onLine" in output) {
    await Promise.allSettled(
      streams.map(([stream, name]) => forEachLine(stream, (line) => output.onLine(line, name))),
    );
    return;
  }
  if (typeof output === "object") {
    const file = await Deno.open(output.file, { write: true, create: true, truncate: true });
    // One writer for both streams: a writable takes one pipe at a time.
    const writer = file.writable.getWriter();
    try {
      await Promise.allSettled(streams.map(async ([stream]) => {
        for await (const chunk of stream) {
          keep(new TextDecoder().decode(chunk), TAIL_CHARS);
          await writer.write(chunk);
        }
      }));
    } finally {
      await writer.close().catch(() => {});
    }
    return;
  }
  // "keep": everything, and the pipes are drained so the child never blocks on a full one.
  await Promise.allSettled(streams.map(async ([stream]) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      keep(text, Infinity);
    }
  }));
}

/** Options of {@linkcode waitChildReady}. */
export interface WaitChildReadyOptions {
  /** Longest wait in ms. */
  timeoutMs: number;
  /** What is awaited, for the error message, e.g. `ingest /readyz`. */
  what: string;
  /** Poll interval in ms (default 100). */
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns true. Throws, with the child's output tail, as soon as the child
 * exits or when `timeoutMs` passes; the child is left running (stop it in a `finally`).
 */
export async function waitChildReady(
  child: Child,
  probe: () => boolean | Promise<boolean>,
  opts: WaitChildReadyOptions,
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await probe()) return;
    const status = child.status();
    if (status !== null) {
      throw new Error(
        `${child.name} exited with code ${status.code} before ${opts.what} was ready${tail(child)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${opts.what} was not ready within ${Math.round(opts.timeoutMs / 1000)} s${tail(child)}`,
      );
    }
    await sleep(opts.intervalMs ?? 100);
  }
}

function tail(child: Child): string {
  const text = child.output().slice(-3000);
  return text === "" ? "" : `; output:\n${text}`;
}

/**
 * The port a service started with `PORT=0` listens on, read from its `"Listening"` log line
 * (needs output "keep").
 */
export async function waitListeningPort(
  child: Child,
  opts: { timeoutMs?: number } = {},
): Promise<number> {
  const re = /"message":"Listening"[^\n]*"port":(\d+)/;
  await waitChildReady(child, () => re.test(child.output()), {
    timeoutMs: opts.timeoutMs ?? 60_000,
    what: `${child.name}'s "Listening" log line`,
    intervalMs: 50,
  });
  return Number(re.exec(child.output())?.[1]);
}

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
 * Awaits `child`'s exit, stopping it (SIGTERM, SIGKILL after 10 s) once `timeoutMs` passes;
 * resolves to its exit code, 124 on timeout like coreutils `timeout`.
 */
export async function exitCodeWithin(child: Child, timeoutMs: number): Promise<number> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    console.error(`error: ${child.name} did not finish within ${Math.round(timeoutMs / 1000)} s`);
    void child.stop({ graceMs: 10_000 });
  }, timeoutMs);
  const status = await child.exited;
  clearTimeout(timer);
  return timedOut ? 124 : status.code;
}

/** Runs `cmd` with inherited stdio, bounded by `timeoutMs` as {@linkcode exitCodeWithin}. */
export async function runInherited(
  cmd: string,
  args: string[],
  opts: { timeoutMs: number; env?: Record<string, string>; cwd?: string },
): Promise<number> {
  const child = spawnChild(cmd, { args, env: opts.env, cwd: opts.cwd, output: "inherit" });
  return await exitCodeWithin(child, opts.timeoutMs);
}
