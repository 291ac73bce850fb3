/**
 * A stack component that is one long-running binary answering HTTP on a loopback port: the
 * exporters and Alertmanager. Started detached with a pid file, ready when `readyPath` answers 200,
 * stopped by pid; a server already answering on the port is reused and never stopped.
 */
import { type Component, type ComponentName, componentStatus } from "./component.ts";
import {
  httpOk,
  isAlive,
  readLivePid,
  spawnDetached,
  stopPid,
  waitFor,
} from "../../shared/process/mod.ts";

/** What {@linkcode daemonComponent} runs. */
export interface DaemonSpec {
  name: ComponentName;
  /** Directory for the pid file, log and any data. */
  dir: string;
  bin: string;
  args: string[];
  env?: Record<string, string>;
  port: number;
  /** Path answering 200 once the daemon serves (default `/`). */
  readyPath?: string;
  /** Written before every start, and before `onRunning`, e.g. a generated config file. */
  prepare?: () => Promise<void>;
  /** Called by `up()` when the daemon this stack started already runs (e.g. reload its config). */
  onRunning?: () => Promise<void>;
  /** How long `down()` waits after SIGTERM before SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
}

/** The daemon as a stack component. */
export function daemonComponent(spec: DaemonSpec): Component {
  const log = `${spec.dir}/${spec.name}.log`;
  const pidFile = `${spec.dir}/${spec.name}.pid`;
  const url = `http://127.0.0.1:${spec.port}`;
  const ready = () => httpOk(`${url}${spec.readyPath ?? "/"}`);
  return {
    name: spec.name,
    log,
    async up() {
      await Deno.mkdir(spec.dir, { recursive: true });
      if (spec.onRunning && (await readLivePid(pidFile)) !== null) {
        await spec.prepare?.();
        await spec.onRunning();
        return false;
      }
      if (await ready()) return false;
      await spec.prepare?.();
      const pid = await spawnDetached(spec.bin, spec.args, {
        pidFile,
        logFile: log,
        env: spec.env,
      });
      await waitFor(async () => {
        // A bind error kills it at once; say so instead of waiting out the timeout.
        if (!isAlive(pid)) {
          throw new Error(
            `${spec.name} exited during startup (port ${spec.port} taken?); see ${log}`,
          );
        }
        return await ready();
      }, { timeoutMs: 30_000, what: `${spec.name} at ${url}` });
      return true;
    },
    async down() {
      const pid = await readLivePid(pidFile);
      if (pid === null) return false;
      await stopPid(pid, { timeoutMs: spec.stopTimeoutMs ?? 10_000 });
      await Deno.remove(pidFile).catch(() => {});
      return true;
    },
    async status() {
      const pid = await readLivePid(pidFile);
      return componentStatus(spec.name, { up: await ready(), pid, url, log });
    },
  };
}
