/**
 * Public face of the clickhouse-server stand-in for the stack CLI: start it as a detached
 * background process, wait until it answers, stop it by its pid file.
 *
 * @example
 * ```ts ignore
 * import { startClickHouse, stopClickHouse, waitClickHouseReady } from "./mod.ts";
 * const pid = await startClickHouse({
 *   dataDir: ".stack/clickhouse",
 *   logFile: ".stack/clickhouse.log",
 *   usersFile: ".stack/clickhouse-users.json",
 * });
 * await waitClickHouseReady("http://127.0.0.1:8123", 30_000);
 * await stopClickHouse(".stack/clickhouse");
 * ```
 * @module
 */

import { readLivePid, spawnDetached, stopPid } from "../../shared/process/mod.ts";
import { sleep } from "../../shared/time.ts";

export { ClickHouseException } from "./errors.ts";
export { type RunningServer, serve } from "./server.ts";
export type { ServerConfig } from "./config.ts";

/** Options for {@link startClickHouse}. */
export interface StartClickHouseOptions {
  /** Persistent engine data directory; the pid file `clickhouse.pid` is written here too. */
  dataDir: string;
  /** HTTP port; 8123. */
  port?: number;
  /** File that receives the server's stdout and stderr (appended). */
  logFile: string;
  /** Interface to listen on; 127.0.0.1. */
  hostname?: string;
  /** Users file (see config.ts `readUsersFile`); the server refuses to start without one. */
  usersFile: string;
  /** Per-query limits and queue bound; the server's defaults (60 s, 2 GiB, 64) when absent. */
  limits?: { maxExecutionTime?: number; maxMemoryUsage?: number; maxQueued?: number };
}

/** Raised when the stand-in cannot be started, reached or stopped. */
export class ClickHouseStackError extends Error {
  override name = "ClickHouseStackError";
  /** Stable error code. */
  readonly code: "CLICKHOUSE_NOT_READY" | "CLICKHOUSE_STOP_FAILED";
  /** Whether trying again later can help. */
  readonly retriable: boolean;

  /** Builds the error. */
  constructor(
    code: ClickHouseStackError["code"],
    message: string,
    options?: ErrorOptions & { retriable?: boolean },
  ) {
    super(message, options);
    this.code = code;
    this.retriable = options?.retriable ?? false;
  }
}

const SERVER_PATH = new URL("./server.ts", import.meta.url).pathname;
// The repo's deno.json maps npm packages to node_modules, whatever the caller's cwd is.
const CONFIG_PATH = new URL("../../deno.json", import.meta.url).pathname;
const PID_FILE = "clickhouse.pid";

/**
 * Launches `server.ts` as a detached process that outlives the caller, logging to `logFile`,
 * and records its pid in `<dataDir>/clickhouse.pid`. Returns the pid; does not wait for
 * readiness (see {@link waitClickHouseReady}).
 */
export async function startClickHouse(options: StartClickHouseOptions): Promise<number> {
  const { dataDir, port = 8123, logFile, hostname = "127.0.0.1", usersFile } = options;
  await Deno.mkdir(dataDir, { recursive: true });
  const logDir = logFile.includes("/") ? logFile.slice(0, logFile.lastIndexOf("/")) : ".";
  if (logDir !== "") await Deno.mkdir(logDir, { recursive: true });
  return await spawnDetached(
    Deno.execPath(),
    [
      "run",
      "-A",
      "--no-prompt",
      "--config",
      CONFIG_PATH,
      SERVER_PATH,
      "--port",
      String(port),
      "--data-dir",
      dataDir,
      "--hostname",
      hostname,
      "--users-file",
      usersFile,
      ...limitFlags(options.limits ?? {}),
    ],
    { pidFile: pidPath(dataDir), logFile },
  );
}

/**
 * Polls `<url>/ping` until it answers "Ok." or `timeoutMs` passes.
 * @throws ClickHouseStackError with code CLICKHOUSE_NOT_READY on timeout.
 */
export async function waitClickHouseReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ping = new URL("/ping", url);
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(ping, { signal: AbortSignal.timeout(2_000) });
      const body = await response.text();
      if (response.ok && body === "Ok.\n") return;
      lastError = new Error(`HTTP ${response.status}: ${body.slice(0, 200)}`);
    } catch (error) {
      lastError = error;
    }
    await sleep(100);
  }
  throw new ClickHouseStackError(
    "CLICKHOUSE_NOT_READY",
    `ClickHouse stand-in at ${ping} did not answer within ${timeoutMs} ms: check its log file`,
    { cause: lastError, retriable: true },
  );
}

/**
 * Stops the server whose pid is in `<dataDir>/clickhouse.pid`: SIGTERM, then SIGKILL after
 * `timeoutMs` (10 s). Returns false when no server was running.
 */
export async function stopClickHouse(
  dataDir: string,
  options: { timeoutMs?: number } = {},
): Promise<boolean> {
  const pid = await readLivePid(pidPath(dataDir));
  const removePidFile = () => Deno.remove(pidPath(dataDir)).catch(() => {});
  if (pid === null) {
    await removePidFile();
    return false;
  }
  try {
    await stopPid(pid, { timeoutMs: options.timeoutMs ?? 10_000 });
  } catch (cause) {
    throw new ClickHouseStackError(
      "CLICKHOUSE_STOP_FAILED",
      `ClickHouse stand-in pid ${pid} survived SIGKILL: inspect it with "ps -p ${pid}"`,
      { cause },
    );
  }
  await removePidFile();
  return true;
}

function limitFlags(limits: NonNullable<StartClickHouseOptions["limits"]>): string[] {
  const flags: string[] = [];
  if (limits.maxExecutionTime) flags.push("--max-execution-time", String(limits.maxExecutionTime));
  if (limits.maxMemoryUsage) flags.push("--max-memory-usage", String(limits.maxMemoryUsage));
  if (limits.maxQueued) flags.push("--max-queued", String(limits.maxQueued));
  return flags;
}

function pidPath(dataDir: string): string {
  return `${dataDir}/${PID_FILE}`;
}
