/**
 * The two ClickHouse users of the local stack and where each service gets its credentials.
 *
 * The writer (`eventflow_writer`) runs migrations and the sink's inserts; the reader
 * (`eventflow_reader`, readonly 2: no writes or DDL, settings allowed) serves the admin console,
 * the query service, Grafana and read-only tests. Passwords come from
 * `CLICKHOUSE_WRITER_PASSWORD` / `CLICKHOUSE_READER_PASSWORD`, else are generated once into
 * `<stack dir>/clickhouse-users.json` (mode 0600), which is also the stand-in's users file.
 */
import type { UsersFile } from "../clickhouse/config.ts";

/** A user name and password. */
export interface ClickHouseLogin {
  username: string;
  password: string;
}

/** The stack's ClickHouse users. */
export interface ClickHouseCredentials {
  writer: ClickHouseLogin;
  reader: ClickHouseLogin;
  /** The users file the stand-in reads. */
  usersFile: string;
}

/** Which user a service connects as; services that do not use ClickHouse have none. */
export type ClickHouseRole = "writer" | "reader";

/** User names, the same in the stand-in and in compose's clickhouse-server (users.d). */
export const WRITER_USER = "eventflow_writer";
/** See {@linkcode WRITER_USER}. */
export const READER_USER = "eventflow_reader";

/** The users file path under a stack directory. */
export function usersFilePath(stackDir: string): string {
  return `${stackDir}/clickhouse-users.json`;
}

/** The users file content for these passwords (the stand-in's format, see config.ts). */
export function usersFileFor(passwords: { writer: string; reader: string }): UsersFile {
  return {
    users: {
      [WRITER_USER]: { password: passwords.writer },
      [READER_USER]: { password: passwords.reader, readonly: 2 },
    },
  };
}

function randomPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

async function readPasswords(path: string): Promise<{ writer?: string; reader?: string }> {
  try {
    const file = JSON.parse(await Deno.readTextFile(path)) as UsersFile;
    return {
      writer: file.users[WRITER_USER]?.password,
      reader: file.users[READER_USER]?.password,
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new Error(
      `Cannot read the ClickHouse users file ${path}: ${(error as Error).message}; delete it ` +
        "to generate new passwords",
      { cause: error },
    );
  }
}

/**
 * The stack's credentials: passwords from the environment, else from the users file, else new
 * random ones; the users file is (re)written when they differ from it.
 */
export async function ensureClickHouseCredentials(
  stackDir: string,
  given: { writerPassword?: string; readerPassword?: string } = {},
): Promise<ClickHouseCredentials> {
  const usersFile = usersFilePath(stackDir);
  const stored = await readPasswords(usersFile);
  const writer = given.writerPassword || stored.writer || randomPassword();
  const reader = given.readerPassword || stored.reader || randomPassword();
  if (writer !== stored.writer || reader !== stored.reader) {
    await Deno.mkdir(stackDir, { recursive: true });
    await Deno.writeTextFile(usersFile, JSON.stringify(usersFileFor({ writer, reader }), null, 2), {
      mode: 0o600,
    });
    await Deno.chmod(usersFile, 0o600);
  }
  return {
    writer: { username: WRITER_USER, password: writer },
    reader: { username: READER_USER, password: reader },
    usersFile,
  };
}

/** `CLICKHOUSE_USER` / `CLICKHOUSE_PASSWORD` for a service with this role (none: nothing). */
export function clickhouseEnv(
  credentials: ClickHouseCredentials,
  role: ClickHouseRole | undefined,
): Record<string, string> {
  if (role === undefined) return {};
  const login = credentials[role];
  return { CLICKHOUSE_USER: login.username, CLICKHOUSE_PASSWORD: login.password };
}
