/**
 * Configuration of the stand-in server: command-line flags over environment variables over
 * defaults, validated once, every bad value reported together.
 * @module
 */

import { z } from "zod";
import { parseCli } from "../../shared/cli.ts";

/** Fully resolved server configuration. */
export interface ServerConfig {
  /** Interface to listen on; 127.0.0.1. */
  hostname: string;
  /** HTTP port; 8123 like clickhouse-server. */
  port: number;
  /** Persistent engine data directory; `.stack/clickhouse`. */
  dataDir: string;
}

const schema = z.object({
  hostname: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  dataDir: z.string().min(1),
});

/** Raised when flags or environment variables do not form a valid configuration. */
export class ConfigError extends Error {
  override name = "ConfigError";
  /** Stable error code. */
  readonly code = "CLICKHOUSE_CONFIG_INVALID";
  /** A retry with the same input fails the same way. */
  readonly retriable = false;
}

/**
 * Resolves the configuration from `--port=N`/`--port N`, `--data-dir`, `--hostname` flags and the
 * `CLICKHOUSE_HTTP_PORT`, `CLICKHOUSE_DATA_DIR`, `CLICKHOUSE_HOSTNAME` variables. Pure.
 *
 * @example
 * ```ts
 * import { loadServerConfig } from "./config.ts";
 * const c = loadServerConfig(["--port", "9000"], { CLICKHOUSE_DATA_DIR: "/tmp/ch" });
 * if (c.port !== 9000 || c.dataDir !== "/tmp/ch") throw new Error("unexpected");
 * ```
 */
export function loadServerConfig(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ServerConfig {
  const flags = parseFlags(args);
  const raw = {
    hostname: flags.hostname ?? env.CLICKHOUSE_HOSTNAME ?? "127.0.0.1",
    port: flags.port ?? env.CLICKHOUSE_HTTP_PORT ?? "8123",
    dataDir: flags["data-dir"] ?? env.CLICKHOUSE_DATA_DIR ?? ".stack/clickhouse",
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      `${issue.path.join(".")} (${
        JSON.stringify(raw[issue.path[0] as keyof typeof raw])
      }): ${issue.message}`
    );
    throw new ConfigError(`Invalid ClickHouse stand-in configuration: ${problems.join("; ")}`);
  }
  return parsed.data;
}

function parseFlags(
  args: readonly string[],
): { hostname?: string; port?: string; "data-dir"?: string } {
  try {
    return parseCli({
      args: [...args],
      options: {
        hostname: { type: "string" },
        port: { type: "string" },
        "data-dir": { type: "string" },
      },
    }).values;
  } catch (error) {
    throw new ConfigError(
      `${(error as Error).message}: expected --port, --data-dir, --hostname`,
      { cause: error },
    );
  }
}
