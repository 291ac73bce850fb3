/**
 * Write key management. Keys are shown once at creation and stored only as SHA-256 hashes.
 *
 *   deno run -A ingest/cli/sources.ts create --name web --platform web
 *   deno run -A ingest/cli/sources.ts list
 *   deno run -A ingest/cli/sources.ts revoke <source_id>
 *   deno run -A ingest/cli/sources.ts ensure-dev   # local stack only: source "dev" with EVENTFLOW_DEV_WRITE_KEY
 *     [--allow-db-host HOST]  also a database on HOST (compose's own container)
 *     [--revoked-ok]          a revoked dev source is reported, exit 0
 *
 * `ensure-dev` (run by `npm start`) creates the well-known local-development key only against a
 * database on this machine, and never re-activates it once revoked (exit code 3 then).
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/eventflow).
 */
import { z } from "zod";
import { infraEnv, parseConfig } from "../../shared/config.ts";
import { createPostgres } from "../../shared/postgres/mod.ts";
import { createSourceStore, type SourceStore } from "../adapters/sources.ts";
import { generateWriteKey, hashWriteKey } from "../core/write_key.ts";

const CliEnv = z.object({
  DATABASE_URL: infraEnv.DATABASE_URL,
  EVENTFLOW_DEV_WRITE_KEY: z.string().min(1).default("dev_write_key"),
});

const PLATFORMS = ["web", "ios", "android", "backend", "server", "other"];

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
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
    /** The database `store` writes to; `ensure-dev` refuses one not on this machine. */
    databaseUrl?: string;
  },
): Promise<string[]> {
  const [command, ...rest] = args;
  switch (command) {
    case "create": {
      const name = option(rest, "name");
      const platform = option(rest, "platform") ?? "web";
      if (!name) throw new Error("Missing --name, e.g. create --name web --platform web");
      if (!PLATFORMS.includes(platform)) {
        throw new Error(`--platform must be one of ${PLATFORMS.join(", ")}, got "${platform}"`);
      }
      const key = generateWriteKey();
      const sourceId = option(rest, "id") ??
        `src_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
      await store.create({ sourceId, name, platform, hash: await hashWriteKey(key) });
      return [
        `Created source ${sourceId} (${name}, ${platform}).`,
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
          s.createdAt,
          s.revokedAt ? `revoked ${s.revokedAt}` : "active",
        ]
          .join("\t")
      );
    }
    case "revoke": {
      const sourceId = rest[0];
      if (!sourceId) throw new Error("Missing source id: revoke <source_id>");
      if (!(await store.revoke(sourceId))) throw new Error(`No source "${sourceId}"`);
      return [`Revoked source ${sourceId}; its key stops working within the ingest cache TTL.`];
    }
    case "ensure-dev": {
      // Compose's own database container is named, not loopback: it opts in by naming it.
      const allowedHost = option(rest, "allow-db-host");
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
      const source = await store.ensure({
        sourceId: "dev",
        name: "Local development (well-known key, this machine only)",
        platform: "web",
        hash: await hashWriteKey(opts.devWriteKey),
      });
      if (source.revokedAt !== null) {
        // Compose runs this on every `up`: a revoked key is an answer there, not a failure.
        if (rest.includes("--revoked-ok")) {
          return [`Source "dev" was revoked at ${source.revokedAt} and stays revoked.`];
        }
        throw new DevKeyRevokedError(
          `Source "dev" was revoked at ${source.revokedAt} and stays revoked; ` +
            "create a key with: deno run -A ingest/cli/sources.ts create --name NAME",
        );
      }
      // The dev key is documented (README), not a secret: say which one is active, so a first
      // `docker compose up` log tells the user what to send.
      return [
        `Source "dev" is active with the local-development write key "${opts.devWriteKey}" ` +
        "(EVENTFLOW_DEV_WRITE_KEY; for this machine only).",
      ];
    }
    default:
      throw new Error(
        `Unknown command "${
          command ?? ""
        }"; use create --name N --platform P | list | revoke <id> | ensure-dev`,
      );
  }
}

if (import.meta.main) {
  const env = parseConfig(CliEnv, Deno.env.toObject());
  const sql = createPostgres(env.DATABASE_URL, { max: 1 });
  try {
    const lines = await runSourcesCommand(createSourceStore(sql), Deno.args, {
      devWriteKey: env.EVENTFLOW_DEV_WRITE_KEY,
      databaseUrl: env.DATABASE_URL,
    });
    for (const line of lines) console.log(line);
  } catch (error) {
    console.error((error as Error).message);
    Deno.exitCode = error instanceof DevKeyRevokedError ? DevKeyRevokedError.exitCode : 1;
  } finally {
    await sql.end();
  }
}
