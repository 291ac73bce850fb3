/** Running the EventFlow services as child processes of `deno task start`. */
import type { ServiceSpec } from "./config.ts";
import { type Child, httpOk, spawnChild, waitChildReady } from "../../shared/process/mod.ts";

/** A service child process and how it is doing. */
export interface RunningService {
  spec: ServiceSpec;
  child: Child;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number>;
}

/** Starts `deno run -A <name>/main.ts` with `PORT` (and `OPS_PORT`) set, prefixing each output line with its name. */
export function startService(
  spec: ServiceSpec,
  opts: { deno: string; cwd: string; env: Record<string, string>; width: number },
): RunningService {
  const prefix = `[${spec.name}]`.padEnd(opts.width + 2) + " ";
  const child = spawnChild(opts.deno, {
    name: spec.name,
    args: ["run", "-A", `${spec.name}/main.ts`],
    cwd: opts.cwd,
    env: {
      ...opts.env,
      PORT: String(spec.port),
      ...(spec.opsPort === undefined ? {} : { OPS_PORT: String(spec.opsPort) }),
    },
    output: {
      onLine: (line, stream) =>
        stream === "stdout" ? console.log(prefix + line) : console.error(prefix + line),
    },
  });
  return { spec, child, exited: child.exited.then((status) => status.code) };
}

/** Polls `/readyz` until 200; throws naming the service if it exits first or `timeoutMs` passes. */
export async function waitServiceReady(service: RunningService, timeoutMs: number): Promise<void> {
  const url = `http://127.0.0.1:${service.spec.port}/readyz`;
  await waitChildReady(service.child, () => httpOk(url, { timeoutMs: 1_000 }), {
    timeoutMs,
    what: `${service.spec.name} ${url}`,
    intervalMs: 250,
  });
}

/** SIGTERM, wait up to `timeoutMs` for a graceful drain, then SIGKILL. */
export async function stopService(service: RunningService, timeoutMs: number): Promise<void> {
  if (service.child.status() !== null) return;
  const status = await service.child.stop({ graceMs: timeoutMs });
  if (status.signal === "SIGKILL") {
    console.error(`${service.spec.name} did not stop within ${timeoutMs / 1000} s; killed it`);
  }
}
