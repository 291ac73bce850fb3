/**
 * Runs a real service (`<service>/main.ts`) as a child process for end-to-end tests: on a free
 * port chosen by the service itself (`PORT=0`, read back from its "Listening" log line), with its
 * log kept for failure messages.
 */

/** Options for {@link startService}. */
export interface StartServiceOptions {
  /** Environment on top of the parent's (default: none). */
  env?: Record<string, string>;
  /** Longest wait for the "Listening" line, in ms (default 30 000). */
  timeoutMs?: number;
}

/** A running service process; `await using` stops it. */
export interface ServiceProcess extends AsyncDisposable {
  /** The HTTP port it listens on. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Everything it wrote to stderr so far (its JSON log). */
  log(): string;
  /** Sends SIGTERM (graceful), waits for exit, returns the status. */
  stop(): Promise<Deno.CommandStatus>;
}

/** The `main.ts` of a service folder at the repo root, e.g. `serviceEntry("sink")`. */
export function serviceEntry(service: string): string {
  return new URL(`../../${service}/main.ts`, import.meta.url).pathname;
}

/** Starts `entry` with `PORT=0`; resolves once it listens. */
export async function startService(
  entry: string,
  opts: StartServiceOptions = {},
): Promise<ServiceProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", entry],
    env: { ...opts.env, PORT: "0" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${entry} did not listen within ${timeoutMs} ms; log:\n${log}`));
    }, timeoutMs);
  });
  const listening = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${entry} exited before listening; log:\n${log}`);
      log += value;
      const match = /"message":"Listening".*?"port":(\d+)/.exec(log);
      if (match) return Number(match[1]);
    }
  })();
  let port: number;
  try {
    port = await Promise.race([listening, timeout]);
  } catch (error) {
    await child.status;
    throw error;
  } finally {
    clearTimeout(timer);
  }
  // Keep draining stderr so the child never blocks on a full pipe.
  const drained = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      log += value;
    }
  })();
  let stopped: Promise<Deno.CommandStatus> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already exited */ }
      const status = await child.status;
      await drained;
      return status;
    })();
    return stopped;
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    log: () => log,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}
