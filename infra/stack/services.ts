/** Running the EventFlow services as supervised child processes of `deno task start`. */
import type { ServiceSpec } from "./config.ts";
import { httpOk, spawnChild, waitFor } from "../../shared/process/mod.ts";
import type { SupervisedUnit, Supervisor } from "./supervisor.ts";

/**
 * The unit that starts `deno run -A <name>/main.ts` with `PORT` (and `OPS_PORT`) set, each output
 * line prefixed with its name; the supervisor calls it for the first start and every restart.
 */
export function serviceUnit(
  spec: ServiceSpec,
  opts: { deno: string; cwd: string; env: Record<string, string>; width: number },
): SupervisedUnit {
  const prefix = `[${spec.name}]`.padEnd(opts.width + 2) + " ";
  return {
    name: spec.name,
    start: () =>
      spawnChild(opts.deno, {
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
      }),
  };
}

/**
 * Polls the service's `/readyz` until 200, across restarts; throws naming the service once it is
 * crash-looping or stopped, or after `timeoutMs`.
 */
export async function waitServiceReady(
  spec: ServiceSpec,
  supervisor: Supervisor,
  timeoutMs: number,
): Promise<void> {
  const url = `http://127.0.0.1:${spec.port}/readyz`;
  await waitFor(async () => {
    const state = supervisor.status().services.find((s) => s.name === spec.name)?.state;
    if (state === "crash-loop" || state === "stopped") {
      throw new Error(`${spec.name} is ${state}, not ready (see its output above)`);
    }
    return await httpOk(url, { timeoutMs: 1_000 });
  }, { timeoutMs, what: `${spec.name} ${url}`, intervalMs: 250 });
}
