/**
 * The supervisor of `deno task start`: runs each service as a child process and restarts it when
 * it exits unasked, as compose's `restart: unless-stopped` does, with the backoff of
 * restart_policy.ts. Every restart is logged and counted in
 * `eventflow_supervisor_restarts_total{service}`; `stop()` (Ctrl-C, SIGTERM) stops every service
 * gracefully and restarts nothing.
 * @module
 */
import type { Child } from "../../shared/process/mod.ts";
import { Counter, Gauge, type Registry } from "../../shared/metrics.ts";
import { type Clock, sleep, systemClock } from "../../shared/time.ts";
import { decideRestart, DEFAULT_RESTART_POLICY, type RestartPolicy } from "./restart_policy.ts";
import type { ServiceStatus, SupervisorStatus } from "./supervisor_status.ts";

/** A service the supervisor keeps running. */
export interface SupervisedUnit {
  name: string;
  /** Starts one process of it (called again for each restart). */
  start: () => Child;
}

/** Options of {@linkcode supervise}. */
export interface SupervisorOptions {
  /** The restart backoff (default DEFAULT_RESTART_POLICY). */
  policy?: Partial<RestartPolicy>;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** Clock of the backoff waits and run lengths (default the system clock). */
  clock?: Clock;
  /** Where the supervisor's metrics are registered (default: not exported). */
  registry?: Registry;
  /** Told every exit, restart and crash loop, one line each (default console.error). */
  log?: (line: string) => void;
  /** Told the whole status after every change (a start, an exit, a stop). */
  onChange?: (status: SupervisorStatus) => void;
  /** Grace between SIGTERM and SIGKILL when stopping, in ms (default 20 000). */
  graceMs?: number;
}

/** Running services under supervision. */
export interface Supervisor {
  /** Every service's state, pid and restarts. */
  status(): SupervisorStatus;
  /** The service's running process, if one is up. */
  current(name: string): Child | undefined;
  /** Stops every service (SIGTERM, SIGKILL after the grace) and restarts nothing; idempotent. */
  stop(): Promise<void>;
}

interface Slot {
  status: ServiceStatus;
  child: Child | undefined;
}

/** Starts every unit and keeps each running until {@linkcode Supervisor.stop}. */
export function supervise(units: SupervisedUnit[], opts: SupervisorOptions = {}): Supervisor {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? ((line: string) => console.error(line));
  const graceMs = opts.graceMs ?? 20_000;
  const resetAfterMs = opts.policy?.resetAfterMs ?? DEFAULT_RESTART_POLICY.resetAfterMs;
  const registers = opts.registry ? [opts.registry] : [];
  const restarts = new Counter({
    name: "eventflow_supervisor_restarts_total",
    help: "Restarts of a service by `deno task start` after it exited unasked.",
    labelNames: ["service"],
    registers,
  });
  const up = new Gauge({
    name: "eventflow_supervisor_service_up",
    help: "1 while the supervisor has a process of the service running, else 0.",
    labelNames: ["service"],
    registers,
  });
  const crashLooping = new Gauge({
    name: "eventflow_supervisor_crash_looping",
    help:
      "1 from a crash loop (exits in a row without a healthy run) until a run lasts long enough.",
    labelNames: ["service"],
    registers,
  });
  const iso = (ms: number) => new Date(ms).toISOString();
  const slots = new Map<string, Slot>();
  for (const unit of units) {
    restarts.inc({ service: unit.name }, 0);
    slots.set(unit.name, {
      child: undefined,
      status: {
        name: unit.name,
        state: "running",
        pid: null,
        restarts: 0,
        startedAt: null,
        lastExit: null,
        restartAt: null,
      },
    });
  }
  const status = (): SupervisorStatus => ({
    pid: Deno.pid,
    updatedAt: iso(clock.now()),
    services: [...slots.values()].map((slot) => ({ ...slot.status })),
  });
  const changed = () => opts.onChange?.(status());
  const stopping = new AbortController();

  const keepRunning = async (unit: SupervisedUnit, slot: Slot) => {
    let failures = 0;
    for (;;) {
      const startedAt = clock.now();
      let exit: { code: number; signal: string | null };
      try {
        const child = unit.start();
        slot.child = child;
        Object.assign(slot.status, {
          state: "running",
          pid: child.pid,
          startedAt: iso(startedAt),
          restartAt: null,
        });
        up.set({ service: unit.name }, 1);
        changed();
        // A run this long is healthy: the crash loop, if there was one, is over.
        const healthy = clock.setTimeout(
          () => crashLooping.set({ service: unit.name }, 0),
          resetAfterMs,
        );
        const ended = await child.exited.finally(() => clock.clearTimeout(healthy));
        exit = { code: ended.code, signal: ended.signal };
      } catch (error) {
        log(`${unit.name} could not be started: ${(error as Error).message}`);
        exit = { code: -1, signal: null };
      }
      slot.child = undefined;
      up.set({ service: unit.name }, 0);
      slot.status.pid = null;
      slot.status.lastExit = { ...exit, at: iso(clock.now()) };
      const decision = decideRestart({
        stopping: stopping.signal.aborted,
        ranMs: clock.now() - startedAt,
        failuresBefore: failures,
      }, { policy: opts.policy, random: opts.random });
      if (decision.action === "stop") break;
      failures = decision.failures;
      crashLooping.set({ service: unit.name }, decision.crashLoop ? 1 : 0);
      slot.status.state = decision.crashLoop ? "crash-loop" : "restarting";
      slot.status.restartAt = iso(clock.now() + decision.delayMs);
      const how = exit.signal === null ? `with code ${exit.code}` : `on ${exit.signal}`;
      log(
        `${unit.name} exited ${how}; restarting in ${(decision.delayMs / 1000).toFixed(1)} s` +
          (decision.crashLoop
            ? ` (crash loop: ${failures} exits in a row, backing off; see its output above)`
            : ""),
      );
      changed();
      try {
        await sleep(decision.delayMs, { clock, signal: stopping.signal });
      } catch {
        break; // stopping during the backoff
      }
      slot.status.restarts++;
      restarts.inc({ service: unit.name });
    }
    Object.assign(slot.status, { state: "stopped", restartAt: null });
    crashLooping.set({ service: unit.name }, 0);
    changed();
  };

  const loops = units.map((unit) => keepRunning(unit, slots.get(unit.name)!));
  let stopped: Promise<void> | null = null;
  return {
    status,
    current: (name) => slots.get(name)?.child,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await Promise.all([...slots.values()].map(async (slot) => {
          const child = slot.child;
          if (child === undefined) return;
          const ended = await child.stop({ graceMs });
          if (ended.signal === "SIGKILL") {
            log(`${slot.status.name} did not stop within ${graceMs / 1000} s; killed it`);
          }
        }));
        await Promise.all(loops);
      })();
      return stopped;
    },
  };
}
