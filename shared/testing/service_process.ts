/**
 * Runs a real service (`<service>/main.ts`) as a child process for end-to-end tests, on a free
 * port, with its log kept for failure messages.
 */
import { freePort, httpOk, spawnChild, waitChildReady } from "../process/mod.ts";
import { waitFor } from "./stores.ts";

/** Options for {@link startService}. */
export interface StartServiceOptions {
  /** Environment on top of the parent's (default: none). */
  env?: Record<string, string>;
  /** Longest wait for `/healthz`, in ms (default 30 000). */
  timeoutMs?: number;
  /** Deno flags before the entry, e.g. `["--cpu-prof", "--cpu-prof-dir=/tmp/p"]` (default none). */
  denoArgs?: string[];
}

/** A running service process; `await using` stops it. */
export interface ServiceProcess extends AsyncDisposable {
  /** The HTTP port it listens on. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `http://127.0.0.1:<OPS_PORT>`: ingest's ops port (`/metrics`, detailed `/readyz`). */
  readonly opsUrl: string;
  /** Its process id (CPU figures in benchmarks, memory in fault tests, from /proc). */
  readonly pid: number;
  /** Resolves with its status once it has exited (e.g. after a fault it injected itself). */
  readonly exited: Promise<Deno.CommandStatus>;
  /** Its status once exited, else null. */
  status(): Deno.CommandStatus | null;
  /** Everything it wrote to stderr so far (its JSON log). */
  log(): string;
  /** Sends SIGTERM (graceful), waits for exit, returns the status. */
  stop(): Promise<Deno.CommandStatus>;
  /** Sends SIGKILL (a crash: nothing is flushed or committed), waits for exit. */
  kill(): Promise<Deno.CommandStatus>;
}

/** The `main.ts` of a service folder at the repo root, e.g. `serviceEntry("sink")`. */
export function serviceEntry(service: string): string {
  return new URL(`../../${service}/main.ts`, import.meta.url).pathname;
}

/** Starts `entry` on a free port; resolves once its `/healthz` answers. */
export async function startService(
  entry: string,
  opts: StartServiceOptions = {},
): Promise<ServiceProcess> {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  // Ingest also listens on OPS_PORT; a free one keeps parallel tests off its default 8090.
  const opsPort = Number(opts.env?.OPS_PORT ?? freePort());
  const child = spawnChild(Deno.execPath(), {
    name: entry,
    args: ["run", "-A", ...opts.denoArgs ?? [], entry],
    env: { ...opts.env, PORT: String(port), OPS_PORT: String(opsPort) },
    stderrOnly: true,
    // A graceful drain that takes longer is a failure the test sees as SIGKILL.
    graceMs: 60_000,
  });
  try {
    await waitChildReady(child, () => httpOk(`${url}/healthz`), {
      timeoutMs: opts.timeoutMs ?? 30_000,
      what: `${entry} /healthz`,
      intervalMs: 50,
    });
  } catch (error) {
    await child.kill();
    throw error;
  }
  return {
    port,
    url,
    opsUrl: `http://127.0.0.1:${opsPort}`,
    pid: child.pid,
    exited: child.exited,
    status: () => child.status(),
    log: () => child.output(),
    stop: () => child.stop(),
    kill: () => child.kill(),
    [Symbol.asyncDispose]: () => child.stop().then(() => {}),
  };
}

/**
 * Waits until `service` answers `/readyz` 200 (its dependencies reachable); the timeout message
 * names the service and its last answer.
 */
export async function waitReadyz(
  service: Pick<ServiceProcess, "url">,
  name: string,
  timeoutMs: number,
): Promise<void> {
  let last = "";
  await waitFor(async () => {
    const res = await fetch(`${service.url}/readyz`).catch((e) => e as Error);
    if (res instanceof Error) return false;
    last = await res.text();
    return res.status === 200;
  }, { timeoutMs, message: `${name} /readyz 200 (last: ${last})` });
}
