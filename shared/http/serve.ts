/**
 * Serving a service over HTTP with graceful shutdown on SIGTERM and SIGINT.
 */
import type { Logger } from "../log.ts";
import { type Clock, sleep } from "../time.ts";

/** Options for {@link serveUntilSignal}. */
export interface ServeOptions {
  port: number;
  /**
   * Interface to listen on (default `127.0.0.1`: only this machine). Services pass their `HOST`
   * variable; compose sets `0.0.0.0` inside containers.
   */
  hostname?: string;
  logger: Logger;
  /** Called after the HTTP server stopped accepting and finished in-flight requests. */
  onShutdown?: () => Promise<void>;
  /** Called first on a signal, before the server stops (e.g. mark `/readyz` as draining). */
  onSignal?: () => void;
  /**
   * How long to keep serving after the signal, with `/readyz` already draining, before the listener
   * closes: a load balancer needs a few probe intervals to stop routing here (default 0).
   */
  drainDelayMs?: number;
  /** The clock of the drain delay (default the system clock); tests step a fake one. */
  clock?: Clock;
}

/** A running server and a way to stop it as a signal would. */
export interface RunningServer {
  port: number;
  /** The address it listens on. */
  hostname: string;
  /** Resolves once the server stopped and `onShutdown` finished. */
  finished: Promise<void>;
  /** Starts the shutdown a signal would start (a second call ends the drain delay early). */
  shutdown(): Promise<void>;
}

/**
 * Serves `handler` until SIGTERM/SIGINT, then calls `onSignal`, keeps serving for `drainDelayMs`,
 * stops accepting, finishes in-flight requests and runs `onShutdown`.
 */
export function serveUntilSignal(
  handler: (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
  opts: ServeOptions,
): RunningServer {
  const server = Deno.serve({
    port: opts.port,
    hostname: opts.hostname ?? "127.0.0.1",
    onListen: () => {},
  }, handler);
  const drainDelayMs = opts.drainDelayMs ?? 0;
  let stopping: Promise<void> | undefined;
  // A second signal during the delay (an impatient Ctrl-C) ends the delay.
  const endDelay = new AbortController();
  const shutdown = () => {
    if (stopping) {
      endDelay.abort();
      return stopping;
    }
    stopping = (async () => {
      opts.onSignal?.();
      if (drainDelayMs > 0) {
        opts.logger.info("Shutting down: not ready, still serving during the drain delay", {
          drainDelayMs,
        });
        await sleep(drainDelayMs, { clock: opts.clock, signal: endDelay.signal }).catch(() => {});
      }
      opts.logger.info("Shutting down: draining in-flight requests");
      await server.shutdown();
      await opts.onShutdown?.();
      opts.logger.info("Shutdown complete");
    })();
    return stopping;
  };
  const onSignal = () => void shutdown();
  Deno.addSignalListener("SIGTERM", onSignal);
  Deno.addSignalListener("SIGINT", onSignal);
  const finished = server.finished.then(() => stopping).finally(() => {
    Deno.removeSignalListener("SIGTERM", onSignal);
    Deno.removeSignalListener("SIGINT", onSignal);
  });
  const { port, hostname } = server.addr as Deno.NetAddr;
  // port first: tests and tools match `"message":"Listening","port":N` in the log.
  opts.logger.info("Listening", { port, hostname });
  return { port, hostname, finished: finished.then(() => {}), shutdown };
}

/** The environment fields of a served service: where it listens and how long it drains. */
export interface ServiceListenEnv {
  PORT: number;
  HOST: string;
  SHUTDOWN_DELAY_MS: number;
}

/** A service's public server, not started yet, and its readiness: draining once a signal came. */
export interface DrainingService {
  /** True from the first SIGTERM/SIGINT on: `/readyz` answers 503 while the drain delay runs. */
  isDraining(): boolean;
  /** Serves `handler` on PORT/HOST with the drain delay; `onShutdown` closes the store clients. */
  serve(
    handler: (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
    onShutdown: () => Promise<void>,
  ): RunningServer;
}

/**
 * The serving frame of an HTTP service (ingest, query, admin): its readiness flag, to hand the app
 * before it is built, and {@link serveUntilSignal} with the options from its environment.
 */
export function drainingService(env: ServiceListenEnv, logger: Logger): DrainingService {
  let draining = false;
  return {
    isDraining: () => draining,
    serve: (handler, onShutdown) =>
      serveUntilSignal(handler, {
        port: env.PORT,
        hostname: env.HOST,
        drainDelayMs: env.SHUTDOWN_DELAY_MS,
        logger,
        onSignal: () => {
          draining = true;
        },
        onShutdown,
      }),
  };
}
