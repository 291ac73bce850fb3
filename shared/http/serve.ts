/**
 * Serving a service over HTTP with graceful shutdown on SIGTERM and SIGINT.
 */
import type { Logger } from "../log.ts";

/** Options for {@link serveUntilSignal}. */
export interface ServeOptions {
  port: number;
  /** Interface to listen on (default `0.0.0.0`). */
  hostname?: string;
  logger: Logger;
  /** Called after the HTTP server stopped accepting and finished in-flight requests. */
  onShutdown?: () => Promise<void>;
  /** Called first on a signal, before the server stops (e.g. mark `/readyz` as draining). */
  onSignal?: () => void;
}

/** A running server and a way to stop it as a signal would. */
export interface RunningServer {
  port: number;
  /** Resolves once the server stopped and `onShutdown` finished. */
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

/** Serves `handler` until SIGTERM/SIGINT, then drains and runs `onShutdown`. */
export function serveUntilSignal(
  handler: (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
  opts: ServeOptions,
): RunningServer {
  const server = Deno.serve({
    port: opts.port,
    hostname: opts.hostname ?? "0.0.0.0",
    onListen: () => {},
  }, handler);
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      opts.onSignal?.();
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
  const port = (server.addr as Deno.NetAddr).port;
  opts.logger.info("Listening", { port });
  return { port, finished: finished.then(() => {}), shutdown };
}
