/** Running the EventFlow services as child processes of `deno task start`. */
import { forEachLine } from "./child.ts";
import type { ServiceSpec } from "./config.ts";
import { delay, httpOk } from "../proc.ts";

/** A service child process and how it is doing. */
export interface RunningService {
  spec: ServiceSpec;
  child: Deno.ChildProcess;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number>;
  /** Set once the process has ended. */
  exitCode: number | null;
}

/** Starts `deno run -A <name>/main.ts` with `PORT` (and `OPS_PORT`) set, prefixing each output line with its name. */
export function startService(
  spec: ServiceSpec,
  opts: { deno: string; cwd: string; env: Record<string, string>; width: number },
): RunningService {
  const child = new Deno.Command(opts.deno, {
    args: ["run", "-A", `${spec.name}/main.ts`],
    cwd: opts.cwd,
    env: {
      ...opts.env,
      PORT: String(spec.port),
      ...(spec.opsPort === undefined ? {} : { OPS_PORT: String(spec.opsPort) }),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const prefix = `[${spec.name}]`.padEnd(opts.width + 2) + " ";
  const out = forEachLine(child.stdout, (line) => console.log(prefix + line));
  const err = forEachLine(child.stderr, (line) => console.error(prefix + line));
  const running: RunningService = { spec, child, exited: Promise.resolve(0), exitCode: null };
  running.exited = child.status.then(async (status) => {
    await Promise.allSettled([out, err]);
    running.exitCode = status.code;
    return status.code;
  });
  return running;
}

/** Polls `/readyz` until 200; throws naming the service if it exits first or `timeoutMs` passes. */
export async function waitServiceReady(service: RunningService, timeoutMs: number): Promise<void> {
  const url = `http://127.0.0.1:${service.spec.port}/readyz`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.exitCode !== null) {
      throw new Error(`${service.spec.name} exited with code ${service.exitCode} before ready`);
    }
    if (await httpOk(url, { timeoutMs: 1_000 })) return;
    await delay(250);
  }
  throw new Error(`${service.spec.name} did not answer 200 on ${url} within ${timeoutMs / 1000} s`);
}

/** SIGTERM, wait up to `timeoutMs` for a graceful drain, then SIGKILL. */
export async function stopService(service: RunningService, timeoutMs: number): Promise<void> {
  if (service.exitCode !== null) return;
  const signal = (sig: Deno.Signal) => {
    try {
      service.child.kill(sig);
    } catch { /* already gone */ }
  };
  signal("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const outcome = await Promise.race([service.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    console.error(`${service.spec.name} did not stop within ${timeoutMs / 1000} s; killing it`);
    signal("SIGKILL");
    await service.exited;
  }
}
