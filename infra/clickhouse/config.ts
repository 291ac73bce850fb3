/**
 * Configuration of the stand-in server: command-line flags over environment variables over
 * defaults, validated once, every bad value reported together.
 * @module
 */

import { z } from "zod";
import { parseCli } from "../../shared/cli.ts";
import { sha256Hex, type User } from "./access.ts";

/** Fully resolved server configuration. */
export interface ServerConfig {
  /** Interface to listen on; 127.0.0.1. */
  hostname: string;
  /** HTTP port; 8123 like clickhouse-server. */
  port: number;
  /** Persistent engine data directory; `.stack/clickhouse`. */
  dataDir: string;
  /** JSON file of users (see {@linkcode readUsersFile}); required: there is no open mode. */
  usersFile: string;
  /** Default and largest `max_execution_time` of a query, seconds; 60. */
  maxExecutionTime: number;
  /** Default and largest `max_memory_usage` of a query, bytes; 2 GiB. */
  maxMemoryUsage: number;
  /** Requests that may wait for the engine at once; 64. */
  maxQueued: number;
  /** Host names accepted in Host and Origin besides loopback; none. */
  allowedHosts: string[];
}

const schema = z.object({
  hostname: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  dataDir: z.string().min(1),
  usersFile: z.string({ error: "is required: pass --users-file or CLICKHOUSE_USERS_FILE" }).min(
    1,
  ),
  maxExecutionTime: z.coerce.number().int().positive(),
  maxMemoryUsage: z.coerce.number().int().positive(),
  maxQueued: z.coerce.number().int().positive(),
  allowedHosts: z.string().transform((v) =>
    v.split(",").map((h) => h.trim().toLowerCase()).filter((h) => h !== "")
  ),
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
 * Resolves the configuration from `--port=N`/`--port N`, `--data-dir`, `--hostname`,
 * `--users-file`, `--max-execution-time`, `--max-memory-usage`, `--max-queued` flags and the
 * `CLICKHOUSE_HTTP_PORT`, `CLICKHOUSE_DATA_DIR`, `CLICKHOUSE_HOSTNAME`, `CLICKHOUSE_USERS_FILE`,
 * `CLICKHOUSE_MAX_EXECUTION_TIME`, `CLICKHOUSE_MAX_MEMORY_USAGE`, `CLICKHOUSE_MAX_QUEUED`,
 * `CLICKHOUSE_ALLOWED_HOSTS` variables. Pure.
 *
 * @example
 * ```ts
 * import { loadServerConfig } from "./config.ts";
 * const c = loadServerConfig(["--port", "9000", "--users-file", "u.json"], {
 *   CLICKHOUSE_DATA_DIR: "/tmp/ch",
 * });
 * if (c.port !== 9000 || c.dataDir !== "/tmp/ch" || c.maxExecutionTime !== 60) {
 *   throw new Error("unexpected");
 * }
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
    usersFile: flags["users-file"] ?? env.CLICKHOUSE_USERS_FILE,
    maxExecutionTime: flags["max-execution-time"] ?? env.CLICKHOUSE_MAX_EXECUTION_TIME ?? "60",
    maxMemoryUsage: flags["max-memory-usage"] ?? env.CLICKHOUSE_MAX_MEMORY_USAGE ??
      String(2 * 1024 ** 3),
    maxQueued: flags["max-queued"] ?? env.CLICKHOUSE_MAX_QUEUED ?? "64",
    allowedHosts: env.CLICKHOUSE_ALLOWED_HOSTS ?? "",
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

function parseFlags(args: readonly string[]): Record<string, string | undefined> {
  try {
    return parseCli({
      args: [...args],
      options: {
        hostname: { type: "string" },
        port: { type: "string" },
        "data-dir": { type: "string" },
        "users-file": { type: "string" },
        "max-execution-time": { type: "string" },
        "max-memory-usage": { type: "string" },
        "max-queued": { type: "string" },
      },
    }).values;
  } catch (error) {
    throw new ConfigError(
      `${(error as Error).message}: expected --port, --data-dir, --hostname, --users-file, ` +
        "--max-execution-time, --max-memory-usage, --max-queued",
      { cause: error },
    );
  }
}

const usersSchema = z.object({
  users: z.record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
    z.object({
      password: z.string().optional(),
      password_sha256_hex: z.string().regex(/^[0-9a-f]{64}$/).optional(),
      readonly: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
    }).refine((u) => (u.password === undefined) !== (u.password_sha256_hex === undefined), {
      message: "give exactly one of password and password_sha256_hex",
    }).refine((u) => u.password !== "", { message: "an empty password is not allowed" }),
  ).refine((users) => Object.keys(users).length > 0, { message: "define at least one user" }),
});

/** A users file as written: `{"users": {"<name>": {"password"|"password_sha256_hex", "readonly"}}}`. */
export type UsersFile = z.input<typeof usersSchema>;

/**
 * Parses a users file into users with password hashes (like clickhouse-server's users.xml:
 * `readonly` 0, 1 or 2; a plain `password` is hashed here and never kept).
 */
export async function readUsersFile(text: string, path: string): Promise<User[]> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`Users file ${path} is not JSON: ${(cause as Error).message}`);
  }
  const parsed = usersSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid users file ${path}: ${problems.join("; ")}`);
  }
  return await Promise.all(
    Object.entries(parsed.data.users).map(async ([name, u]) => ({
      name,
      passwordSha256: u.password_sha256_hex ?? await sha256Hex(u.password!),
      readonly: u.readonly,
    })),
  );
}
