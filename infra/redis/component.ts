/** Stack component: Redis. Reuses a server answering at REDIS_URL, else starts redis-server. */
import { type Component, componentStatus } from "../stack/component.ts";
import type { StackConfig } from "../stack/config.ts";
import { readLivePid, run, stopPid, waitFor } from "../../shared/process/mod.ts";

/** Redis as a stack component (no persistence: it holds caches and counters only). */
export function redisComponent(config: StackConfig): Component {
  const dir = `${config.dir}/redis`;
  const log = `${dir}/redis.log`;
  const pidFile = `${dir}/redis.pid`;
  const url = new URL(config.redis.url);
  const host = url.hostname || "127.0.0.1";
  const port = Number(url.port || 6379);
  const shown = `redis://${host}:${port}`;
  return {
    name: "redis",
    log,
    async up() {
      if (await redisPing(host, port)) return false;
      await Deno.mkdir(dir, { recursive: true });
      const args = [
        "--bind",
        host,
        "--port",
        String(port),
        "--daemonize",
        "yes",
        "--dir",
        dir,
        "--pidfile",
        pidFile,
        "--logfile",
        log,
        "--save",
        "",
        "--appendonly",
        "no",
      ];
      if (url.password !== "") args.push("--requirepass", decodeURIComponent(url.password));
      await run("redis-server", args);
      await waitFor(() => redisPing(host, port), { timeoutMs: 20_000, what: `Redis at ${shown}` });
      return true;
    },
    async down() {
      const pid = await readLivePid(pidFile);
      if (pid === null) return false;
      await stopPid(pid, { timeoutMs: 10_000 });
      await Deno.remove(pidFile).catch(() => {});
      return true;
    },
    async status() {
      const pid = await readLivePid(pidFile);
      const up = await redisPing(host, port);
      return componentStatus("redis", { up, pid, url: shown, log });
    },
  };
}

/** Whether a Redis server answers PING (a NOAUTH error also proves one is there). */
export async function redisPing(host: string, port: number): Promise<boolean> {
  let conn: Deno.TcpConn | undefined;
  const timer = setTimeout(() => conn?.close(), 1_000);
  try {
    conn = await Deno.connect({ hostname: host, port });
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    const reply = new TextDecoder().decode(buf.subarray(0, n ?? 0));
    return reply.startsWith("+PONG") || reply.startsWith("-NOAUTH");
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch { /* already closed by the timeout */ }
  }
}
