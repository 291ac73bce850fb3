/**
 * Write key management. Keys are shown once at creation and stored only as SHA-256 hashes.
 *
 *   deno run -A ingest/cli/sources.ts create --name web --platform web [--kind public|server]
 *   deno run -A ingest/cli/sources.ts list
 *   deno run -A ingest/cli/sources.ts revoke <source_id>
 *   deno run -A ingest/cli/sources.ts ensure-dev   # local stack only: source "dev" with EVENTFLOW_DEV_WRITE_KEY
 *     [--kind server]         instead source "dev_server" with EVENTFLOW_DEV_SERVER_KEY
 *     [--allow-db-host HOST]  also a database on HOST (compose's own container)
 *     [--revoked-ok]          a revoked dev source is reported, exit 0
 *
 * A source's kind says who can read its key: `public` (the default, the safe one: web and mobile
 * keys any visitor can read) or `server` (back-end keys, the only ones whose purchases, refunds
 * and trait changes reach PostgreSQL).
 *
 * `ensure-dev` (run by `npm start`) creates the well-known local-development keys only against a
 * database on this machine, and never re-activates one once revoked (exit code 3 then).
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/eventflow).
 */
import { z } from "zod";
import { infraEnv, parseConfig } from "../../shared/config.ts";
import { parseCli, runCli, UsageError } from "../../shared/cli.ts";
import { createPostgres } from "../../shared/postgres/mod.ts";
import { createSourceStore, type SourceStore } from "../adapters/sources.ts";
import { SOURCE_KINDS, type SourceKind } from "../core/event.ts";
import { generateWriteKey, hashWriteKey } from "../core/write_key.ts";

const CliEnv = z.object({
  DATABASE_URL: infraEnv.DATABASE_URL,
  EVENTFLOW_DEV_WRITE_KEY: z.string().min(1).default("dev_write_key"),
  EVENTFLOW_DEV_SERVER_KEY: z.string().min(1).default("dev_server_key"),
});

/** The two well-known local-development sources, by kind. */
const DEV_SOURCES = {
  public: {
    sourceId: "dev",
    name: "Local development (well-known key, this machine only)",
    platform: "web",
    env: "EVENTFLOW_DEV_WRITE_KEY",
  },
  server: {
    sourceId: "dev_server",
    name: "Local development back end (well-known key, this machine only)",
    platform: "server",
    env: "EVENTFLOW_DEV_SERVER_KEY",
  },
} as const;

const PLATFORMS = ["web", "ios", "android", "backend", "server", "other"];

/** The usage text printed with every usage error. */
export const USAGE = `Usage: deno run -A ingest/cli/sources.ts <command>
  create --name N [--platform web|ios|android|backend|server|other] [--kind public|server] [--id ID]
               --kind public (default): a web/mobile key any visitor can read; server: a secret
               back-end key, the only kind whose purchases, refunds and traits reach PostgreSQL
  list
  revoke <source_id>
  ensure-dev [--kind server] [--allow-db-host HOST] [--revoked-ok]
               source "dev" with EVENTFLOW_DEV_WRITE_KEY (default dev_write_key), or with
               --kind server source "dev_server" with EVENTFLOW_DEV_SERVER_KEY (default
               dev_server_key); local stack only: a database on this machine, or on HOST
               (compose's own container); a revoked dev source stays revoked (exit 3, or 0 with
               --revoked-ok)`;

/** A parsed command line. */
export type SourcesCommand =
  | {
    command: "create";
    name: string;
    platform: string;
    kind: SourceKind;
    sourceId: string | null;
  }
  | { command: "list" }
  | { command: "revoke"; sourceId: string }
  | { command: "ensure-dev"; kind: SourceKind; allowDbHost: string | null; revokedOk: boolean };

function parseKind(value: string | undefined): SourceKind {
  const kind = value ?? "public";
  if (!(SOURCE_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`--kind must be one of ${SOURCE_KINDS.join(", ")}, got "${kind}"`);
  }
  return kind as SourceKind;
}

/** Parses the command line; a mistake throws a UsageError naming it. */
export function parseSourcesArgs(args: string[]): SourcesCommand {
  const { positionals, values } = parseCli({
    args,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      platform: { type: "string" },
      kind: { type: "string" },
      id: { type: "string" },
      "allow-db-host": { type: "string" },
      "revoked-ok": { type: "boolean" },
    },
  });
  const [command, ...rest] = positionals;
  const createOnly = (["name", "platform", "id"] as const).find((f) => values[f] !== undefined);
  if (command !== "create" && command !== "ensure-dev" && values.kind !== undefined) {
    throw new UsageError("--kind is an option of create and ensure-dev only");
  }
  if (command !== "create" && createOnly) {
    throw new UsageError(`--${createOnly} is an option of create only`);
  }
  const devOnly = (["allow-db-host", "revoked-ok"] as const).find((f) => values[f] !== undefined);
  if (command !== "ensure-dev" && devOnly) {
    throw new UsageError(`--${devOnly} is an option of ensure-dev only`);
  }
  const maxPositionals = command === "revoke" ? 1 : 0;
  if (rest.length > maxPositionals) {
    throw new UsageError(`Unexpected argument "${rest[maxPositionals]}"`);
  }
  switch (command) {
    case "create": {
      const platform = values.platform ?? "web";
      if (!values.name) {
        throw new UsageError("Missing --name, e.g. create --name web --platform web");
      }
      if (!PLATFORMS.includes(platform)) {
        throw new UsageError(
          `--platform must be one of ${PLATFORMS.join(", ")}, got "${platform}"`,
        );
      }
      const kind = parseKind(values.kind);
      return { command, name: values.name, platform, kind, sourceId: values.id ?? null };
    }
    case "revoke": {
      const sourceId = rest[0];
      if (!sourceId) throw new UsageError("Missing source id: revoke <source_id>");
      return { command, sourceId };
    }
    case "list":
      return { command };
    case "ensure-dev":
      return {
        command,
        kind: parseKind(values.kind),
        allowDbHost: values["allow-db-host"] ?? null,
        revokedOk: values["revoked-ok"] ?? false,
      };
    default:
      throw new UsageError(
        `Unknown command "${
          command ?? ""
        }"; use create --name N --platform P | list | revoke <id> | ensure-dev`,
      );
  }
}

/** `ensure-dev` found the dev source revoked and left it so. */
export class DevKeyRevokedError extends Error {
  override name = "DevKeyRevokedError";
  /** Stable code. */
  readonly code = "DEV_KEY_REVOKED";
  /** Exit code of the CLI, which `npm start` tells apart from a failure. */
  static readonly exitCode = 3;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** True when the PostgreSQL URL names a server on this machine. */
export function isLocalDatabase(url: string): boolean {
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Runs one CLI command against `store`; returns the lines to print (exported for tests). */
export async function runSourcesCommand(
  store: SourceStore,
  args: string[],
  opts: {
    devWriteKey: string;
    /** The server-kind dev key (`ensure-dev --kind server`); default `dev_server_key`. */
    devServerKey?: string;
    /** The database `store` writes to; `ensure-dev` refuses one not on this machine. */
    databaseUrl?: string;
  },
): Promise<string[]> {
  const parsed = parseSourcesArgs(args);
  switch (parsed.command) {
    case "create": {
      const { name, platform, kind } = parsed;
      const key = generateWriteKey();
      const sourceId = parsed.sourceId ??
        `src_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
      await store.create({ sourceId, name, platform, kind, hash: await hashWriteKey(key) });
      return [
        `Created ${kind} source ${sourceId} (${name}, ${platform}).`,
        `Write key (shown only now, store it safely): ${key}`,
      ];
    }
    case "list": {
      const sources = await store.list();
      if (sources.length === 0) return ["No sources."];
      return sources.map((s) =>
        [
          s.sourceId,
          s.name,
          s.platform,
          s.kind,
          s.createdAt,
          s.revokedAt ? `revoked ${s.revokedAt}` : "active",
        ]
          .join("\t")
      );
    }
    case "revoke": {
      const { sourceId } = parsed;
      if (!(await store.revoke(sourceId))) throw new Error(`No source "${sourceId}"`);
      return [`Revoked source ${sourceId}; its key stops working within the ingest cache TTL.`];
    }
    case "ensure-dev": {
      // Compose's own database container is named, not loopback: it opts in by naming it.
      const allowedHost = parsed.allowDbHost ?? undefined;
      const host = opts.databaseUrl ? new URL(opts.databaseUrl).hostname : undefined;
      if (
        opts.databaseUrl === undefined ||
        (!isLocalDatabase(opts.databaseUrl) && (allowedHost === undefined || host !== allowedHost))
      ) {
        throw new Error(
          `Refusing to provision the well-known development write key in a database on ${
            host ?? "an unknown host"
          }: ` +
            "it is for the local stack only; use create --name N for a real source",
        );
      }
      const dev = DEV_SOURCES[parsed.kind];
      const key = parsed.kind === "server"
        ? opts.devServerKey ?? "dev_server_key"
        : opts.devWriteKey;
      const source = await store.ensure({
        sourceId: dev.sourceId,
        name: dev.name,
        platform: dev.platform,
        kind: parsed.kind,
        hash: await hashWriteKey(key),
      });
      if (source.revokedAt !== null) {
        // Compose runs this on every `up`: a revoked key is an answer there, not a failure.
        if (parsed.revokedOk) {
          return [`Source "${dev.sourceId}" was revoked at ${source.revokedAt} and stays revoked.`];
        }
        throw new DevKeyRevokedError(
          `Source "${dev.sourceId}" was revoked at ${source.revokedAt} and stays revoked; ` +
            `create a key with: deno run -A ingest/cli/sources.ts create --name NAME --kind ${parsed.kind}`,
        );
      }
      // The dev keys are documented (README), not secrets: say which one is active, so a first
      // `docker compose up` log tells the user what to send.
      return [
        `Source "${dev.sourceId}" is active with the local-development ${parsed.kind} write key ` +
        `"${key}" (${dev.env}; for this machine only).`,
      ];
    }
  }
}

async function main(args: string[]): Promise<number> {
  parseSourcesArgs(args); // usage errors before touching the database
  const env = parseConfig(CliEnv, Deno.env.toObject());
  const sql = createPostgres(env.DATABASE_URL, { max: 1 });
  try {
    const lines = await runSourcesCommand(createSourceStore(sql), args, {
      devWriteKey: env.EVENTFLOW_DEV_WRITE_KEY,
      devServerKey: env.EVENTFLOW_DEV_SERVER_KEY,
      databaseUrl: env.DATABASE_URL,
    });
    for (const line of lines) console.log(line);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    console.error((error as Error).message);
    return error instanceof DevKeyRevokedError ? DevKeyRevokedError.exitCode : 1;
  } finally {
    await sql.end();
  }
}

if (import.meta.main) Deno.exit(await runCli(USAGE, Deno.args, main));
