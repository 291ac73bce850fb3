/**
 * What the supervisor of `deno task start` knows about its services, as JSON for the status file
 * and `GET /status`, and as the table `start` prints. The fault suite finds a service's current
 * pid here ({@linkcode readSupervisorStatus}).
 * @module
 */
import { alignColumns } from "./table.ts";

/** One supervised service. */
export interface ServiceStatus {
  name: string;
  /**
   * `running`: a process is up (`pid`); `restarting`: it exited and waits `restartAt` for its
   * restart; `crash-loop`: the same, after the policy's `crashLoopAfter` exits in a row;
   * `stopped`: the supervisor stopped it and will not start it again.
   */
  state: "running" | "restarting" | "crash-loop" | "stopped";
  /** The running process, else null. */
  pid: number | null;
  /** Restarts since the supervisor started (the first start is not one). */
  restarts: number;
  /** When the current (or last) process started, ISO 8601. */
  startedAt: string | null;
  /** How the last process ended, if one did. */
  lastExit: { code: number; signal: string | null; at: string } | null;
  /** When the next start is due, while `restarting` or `crash-loop`. */
  restartAt: string | null;
}

/** The whole supervisor. */
export interface SupervisorStatus {
  /** The supervisor's own pid (the `deno task start` process). */
  pid: number;
  /** When this status was taken, ISO 8601. */
  updatedAt: string;
  services: ServiceStatus[];
}

/** Where `start` keeps its status file under the stack directory. */
export function supervisorStatusPath(stackDir: string): string {
  return `${stackDir}/supervisor/status.json`;
}

/**
 * Returns a function that writes each status it is given to `path` (via a temporary file and a
 * rename, so a reader never sees half a file), one write at a time, the latest winning.
 */
export function statusFileWriter(path: string): {
  write: (status: SupervisorStatus) => void;
  /** Resolves once every write asked for so far is on disk. */
  flushed: () => Promise<void>;
} {
  let chain = Promise.resolve();
  let latest: SupervisorStatus | null = null;
  const dir = path.slice(0, path.lastIndexOf("/"));
  const write = (status: SupervisorStatus) => {
    latest = status;
    chain = chain.then(async () => {
      if (latest === null) return;
      const text = JSON.stringify(latest, null, 2) + "\n";
      latest = null;
      await Deno.mkdir(dir, { recursive: true });
      const tmp = `${path}.${Deno.pid}.tmp`;
      await Deno.writeTextFile(tmp, text);
      await Deno.rename(tmp, path);
    }).catch((error) => {
      console.error(`warning: cannot write ${path}: ${(error as Error).message}`);
    });
  };
  return { write, flushed: () => chain };
}

/** Reads the status file at `path`; null when there is none. */
export async function readSupervisorStatus(path: string): Promise<SupervisorStatus | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as SupervisorStatus;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Formats services as an aligned table: service, state, pid, restarts, last exit. */
export function formatServiceTable(services: ServiceStatus[]): string {
  return alignColumns(
    ["SERVICE", "STATE", "PID", "RESTARTS", "LAST EXIT"],
    services.map((s) => [
      s.name,
      s.state,
      s.pid?.toString() ?? "-",
      String(s.restarts),
      s.lastExit === null
        ? "-"
        : `${s.lastExit.signal ?? `code ${s.lastExit.code}`} at ${s.lastExit.at}`,
    ]),
  );
}
