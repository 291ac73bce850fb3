/**
 * Composition root of the clickhouse-server stand-in: loads config, opens the embedded engine,
 * serves the HTTP interface until SIGTERM or SIGINT.
 *
 * `deno run -A infra/clickhouse/server.ts --users-file users.json [--port 8123] [--data-dir .stack/clickhouse]`
 * @module
 */

import { loadServerConfig, readUsersFile, type ServerConfig } from "./config.ts";
import { openChdbEngine } from "./engine.ts";
import { createHandler } from "./handler.ts";
import { metricsHandler } from "./metrics.ts";
import { openSpool } from "./spool.ts";

/** A running server; `shutdown` stops accepting, finishes queued work and closes the engine. */
export interface RunningServer {
  /** The port actually bound (useful with port 0). */
  port: number;
  /** The Prometheus endpoint's port, when one was asked for. */
  metricsPort: number | null;
  /** Stops the server and releases the engine. */
  shutdown(): Promise<void>;
}

/** Starts the HTTP server on an engine opened at `config.dataDir`. */
export async function serve(config: ServerConfig): Promise<RunningServer> {
  const users = await readUsersFile(await Deno.readTextFile(config.usersFile), config.usersFile);
  await Deno.mkdir(config.dataDir, { recursive: true });
  const engine = openChdbEngine(config.dataDir, { maxQueued: config.maxQueued });
  // Beside the engine's own files, emptied at every start (a crash may leave bodies behind).
  const spool = await openSpool(`${config.dataDir}/eventflow_spool`);
  const handler = createHandler(engine, {
    users,
    limits: { maxExecutionTime: config.maxExecutionTime, maxMemoryUsage: config.maxMemoryUsage },
    allowedHosts: config.allowedHosts,
  }, { displayName: Deno.hostname(), spool });
  const server = Deno.serve({
    hostname: config.hostname,
    port: config.port,
    onListen: () => {},
  }, handler);
  const metrics = config.metricsPort === null ? null : Deno.serve({
    hostname: config.hostname,
    port: config.metricsPort,
    onListen: () => {},
  }, metricsHandler(engine));
  let stopping: Promise<void> | undefined;
  return {
    port: server.addr.port,
    metricsPort: metrics?.addr.port ?? null,
    shutdown() {
      stopping ??= (async () => {
        await Promise.all([server.shutdown(), metrics?.shutdown()]);
        await engine.close();
        await Deno.remove(spool.dir, { recursive: true }).catch(() => {});
      })();
      return stopping;
    },
  };
}

if (import.meta.main) {
  const config = loadServerConfig(Deno.args, Deno.env.toObject());
  const running = await serve(config);
  console.log(
    `ClickHouse stand-in listening on http://${config.hostname}:${running.port}/ (data: ${config.dataDir})`,
  );
  const stop = (signal: Deno.Signal) => {
    console.log(`Received ${signal}, shutting down`);
    running.shutdown().then(() => Deno.exit(0), (error) => {
      console.error("Shutdown failed:", error);
      Deno.exit(1);
    });
  };
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
}
