/**
 * A person's data on request: export everything held about one user id as JSON, or forget it
 * (delete it from PostgreSQL, ClickHouse and enrich's Redis caches). The logic is
 * shared/user_data/, which the admin console calls too.
 *
 *   deno run -A tools/user_data.ts export <user_id> [--out FILE]
 *   deno run -A tools/user_data.ts forget <user_id> --yes
 *
 * Env: DATABASE_URL, CLICKHOUSE_URL, CLICKHOUSE_DATABASE, CLICKHOUSE_USER / CLICKHOUSE_PASSWORD
 * (default: the local stack's writer from .stack/clickhouse-users.json; forget needs a user that
 * may ALTER), REDIS_URL, REDIS_KEY_PREFIX (enrich's, default `ef:`).
 */
import { z } from "zod";
import { parseCli, runCli, UsageError } from "../shared/cli.ts";
import { infraEnv, parseConfig } from "../shared/config.ts";
import { createClickHouse } from "../shared/clickhouse/mod.ts";
import { createPostgres } from "../shared/postgres/mod.ts";
import { createRedis } from "../shared/redis/mod.ts";
import { exportUserData, forgetUserData, validUserId } from "../shared/user_data/mod.ts";
import { usersFilePath, WRITER_USER } from "../infra/stack/clickhouse_users.ts";
import { REPO_ROOT } from "../infra/stack/config.ts";

/** The usage text printed with every usage error. */
export const USAGE = `Usage: deno run -A tools/user_data.ts <command> <user_id>
  export <user_id> [--out FILE]   everything held about the user (and their anonymous ids) as
                                  JSON, on stdout or into FILE (created with mode 0600)
  forget <user_id> --yes          delete it from PostgreSQL, ClickHouse and the Redis caches;
                                  prints the rows deleted per table`;

/** A parsed command line. */
export type UserDataCommand =
  | { command: "export"; userId: string; out?: string }
  | { command: "forget"; userId: string };

/** Parses the command line; a mistake throws a UsageError. */
export function parseUserDataArgs(args: string[]): UserDataCommand {
  const { positionals, values } = parseCli({
    args,
    allowPositionals: true,
    options: { out: { type: "string" }, yes: { type: "boolean" } },
  });
  const [command, userId, ...extra] = positionals;
  if (command === undefined) throw new UsageError("Missing command");
  if (command !== "export" && command !== "forget") {
    throw new UsageError(`Unknown command "${command}"`);
  }
  if (userId === undefined) throw new UsageError(`${command} needs a <user_id>`);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
  try {
    validUserId(userId);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (command === "export") {
    if (values.yes !== undefined) throw new UsageError("export does not take --yes");
    return { command, userId, ...(values.out === undefined ? {} : { out: values.out }) };
  }
  if (values.out !== undefined) throw new UsageError("forget does not take --out");
  if (!values.yes) {
    throw new UsageError(
      `forget deletes every row about "${userId}" for good; add --yes to go ahead`,
    );
  }
  return { command, userId };
}

const EnvSchema = z.object({
  ...infraEnv,
  CLICKHOUSE_USER: z.string().min(1).optional(),
  REDIS_KEY_PREFIX: z.string().min(1).default("ef:"),
  EVENTFLOW_STACK_DIR: z.string().optional(),
});

/** CLICKHOUSE_USER/PASSWORD, else the local stack's writer. */
async function clickhouseLogin(
  env: z.output<typeof EnvSchema>,
): Promise<{ username: string; password: string }> {
  if (env.CLICKHOUSE_USER !== undefined) {
    return { username: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD };
  }
  const file = usersFilePath(env.EVENTFLOW_STACK_DIR ?? `${REPO_ROOT}/.stack`);
  try {
    const users = JSON.parse(await Deno.readTextFile(file)) as {
      users: Record<string, { password?: string }>;
    };
    return { username: WRITER_USER, password: users.users[WRITER_USER]?.password ?? "" };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return { username: "default", password: env.CLICKHOUSE_PASSWORD };
  }
}

async function main(parsed: UserDataCommand, rawEnv: Record<string, string>): Promise<number> {
  const env = parseConfig(EnvSchema, rawEnv);
  const sql = createPostgres(env.DATABASE_URL, { max: 2 });
  const ch = createClickHouse({
    url: env.CLICKHOUSE_URL,
    database: env.CLICKHOUSE_DATABASE,
    ...(await clickhouseLogin(env)),
    requestTimeoutMs: 300_000,
  });
  try {
    if (parsed.command === "export") {
      const text = JSON.stringify(await exportUserData({ sql, ch }, parsed.userId), null, 2);
      if (parsed.out === undefined) console.log(text);
      else {
        await Deno.writeTextFile(parsed.out, `${text}\n`, { mode: 0o600, createNew: true });
        console.error(`Wrote the data of "${parsed.userId}" to ${parsed.out}`);
      }
      return 0;
    }
    const redis = createRedis(env.REDIS_URL, { lazyConnect: true });
    try {
      const report = await forgetUserData(
        { sql, ch, redis, redisPrefix: env.REDIS_KEY_PREFIX },
        parsed.userId,
      );
      console.log(JSON.stringify(report, null, 2));
    } finally {
      redis.disconnect();
    }
    return 0;
  } finally {
    await sql.end({ timeout: 5 });
    await ch.close();
  }
}

if (import.meta.main) {
  Deno.exit(
    await runCli(USAGE, Deno.args, (args) => main(parseUserDataArgs(args), Deno.env.toObject())),
  );
}
