/**
 * Runs a real service (`<service>/main.ts`) as a child process for end-to-end tests, on a free
 * port, with its log kept for failure messages.
 */

/** Options for {@link startService}. */
export interface StartServiceOptions {
  /** Environment on top of the parent's (default: none). */
  env?: Record<string, string>;
  /** Longest wait for `/healthz`, in ms (default 30 000). */
  timeoutMs?: number;
}

/** A running service process; `await using` stops it. */
export interface ServiceProcess extends AsyncDisposable {
  /** The HTTP port it listens on. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `http://127.0.0.1:<OPS_PORT>`: ingest's ops port (`/metrics`, detailed `/readyz`). */
  readonly opsUrl: string;
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

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
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
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", entry],
    env: { ...opts.env, PORT: String(port), OPS_PORT: String(opsPort) },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let log = "";
  // Keep draining stderr so the child never blocks on a full pipe.
  const drained = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) log += chunk;
  })();
  const state: { exited: Deno.CommandStatus | null } = { exited: null };
  child.status.then((status) => (state.exited = status));
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${url}/healthz`).catch(() => null);
    await res?.body?.cancel();
    if (res?.ok) break;
    if (state.exited) {
      await drained;
      throw new Error(`${entry} exited (${state.exited.code}) before listening; log:\n${log}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.status;
      await drained;
      throw new Error(`${entry} did not answer /healthz within ${timeoutMs} ms; log:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let stopped: Promise<Deno.CommandStatus> | null = null;
  const end = (signal: Deno.Signal) => {
    stopped ??= (async () => {
      try {
        child.kill(signal);
      } catch { /* already exited */ }
      const status = await child.status;
      await drained;
      return status;
    })();
    return stopped;
  };
  const stop = () => end("SIGTERM");
  return {
    port,
    url,
    opsUrl: `http://127.0.0.1:${opsPort}`,
    log: () => log,
    stop,
    kill: () => end("SIGKILL"),
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}
