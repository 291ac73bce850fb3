/**
 * API token management for the query service. Tokens are shown once at creation and stored only
 * as SHA-256 hashes.
 *
 *   deno run -A query/cli/tokens.ts create --name console
 *   deno run -A query/cli/tokens.ts list
 *   deno run -A query/cli/tokens.ts revoke <token_id>
 *   deno run -A query/cli/tokens.ts ensure-dev   # token "dev" = EVENTFLOW_DEV_QUERY_TOKEN (default dev_query_token)
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/eventflow).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { infraEnv, parseConfig } from "../../shared/config.ts";
import { createPostgres } from "../../shared/postgres/mod.ts";
import { createTokenStore, type TokenStore } from "../adapters/tokens.ts";

const CliEnv = z.object({
  DATABASE_URL: infraEnv.DATABASE_URL,
  EVENTFLOW_DEV_QUERY_TOKEN: z.string().min(8).default("dev_query_token"),
});

const USAGE = "Usage: tokens.ts create --name <name> | list | revoke <token_id> | ensure-dev";

/** Runs one CLI command against `store`; returns the lines to print. */
export async function runTokensCommand(
  store: TokenStore,
  argv: string[],
  opts: { devToken: string },
): Promise<string[]> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { name: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  const [command, ...rest] = positionals;
  switch (command) {
    case "create": {
      const name = values.name?.trim();
      if (!name) throw new Error("Missing --name, e.g. create --name console");
      const { tokenId, token } = await store.create(name);
      return [
        `Created token ${tokenId} (${name}).`,
        `Token (shown only now, store it safely): ${token}`,
        `Use it as: Authorization: Bearer ${token}`,
      ];
    }
    case "list": {
      const tokens = await store.list();
      if (tokens.length === 0) return ["No tokens."];
      return tokens.map((t) =>
        [
          t.tokenId,
          t.name,
          `created ${t.createdAt.toISOString()}`,
          t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : "active",
        ].join("  ")
      );
    }
    case "revoke": {
      const id = rest[0];
      if (!id) throw new Error("Missing token id, e.g. revoke tok_0123456789ab");
      if (!(await store.revoke(id))) throw new Error(`No active token "${id}"; see \`list\``);
      return [`Revoked token ${id}.`];
    }
    case "ensure-dev": {
      if ((await store.verify(opts.devToken)) !== null) {
        return [`Dev query token: ${opts.devToken}`];
      }
      try {
        await store.create("dev", { token: opts.devToken });
      } catch (error) {
        // The hash is unique: the token exists but was revoked.
        if ((error as { code?: string }).code !== "23505") throw error;
        throw new Error(
          "The dev query token was revoked; set EVENTFLOW_DEV_QUERY_TOKEN to another value",
        );
      }
      return [`Created the dev query token: ${opts.devToken}`];
    }
    default:
      throw new Error(command === undefined ? USAGE : `Unknown command "${command}". ${USAGE}`);
  }
}

async function main(): Promise<number> {
  const env = parseConfig(CliEnv, Deno.env.toObject());
  const sql = createPostgres(env.DATABASE_URL, { max: 1 });
  try {
    const lines = await runTokensCommand(createTokenStore(sql), Deno.args, {
      devToken: env.EVENTFLOW_DEV_QUERY_TOKEN,
    });
    for (const line of lines) console.log(line);
    return 0;
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (import.meta.main) Deno.exit(await main());
