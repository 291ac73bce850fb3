/**
 * Probes and waits: is a port open, does a URL answer 2xx, does a path exist; poll until true.
 * @module
 */
import { sleep, withTimeout } from "../time.ts";

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
  const ms = opts.timeoutMs ?? 1_000;
  return await withTimeout(attempt, ms, { what: `connect ${host}:${port}` }).catch(() => false);
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
    await sleep(opts.intervalMs ?? 200);
  }
  throw new Error(`${opts.what} was not ready within ${Math.round(opts.timeoutMs / 1000)} s`);
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

/** A loopback port nothing listens on right now (the OS picks it), for a server to bind next. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}
