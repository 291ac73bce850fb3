/**
 * Console accounts from the command line. Passwords are generated and shown once.
 *
 *   deno run -A admin/cli/users.ts create --username anna --role analyst
 *   deno run -A admin/cli/users.ts list
 *   deno run -A admin/cli/users.ts disable anna        (ends her sessions)
 *   deno run -A admin/cli/users.ts enable anna
 *   deno run -A admin/cli/users.ts reset-password anna (ends her sessions)
 *   deno run -A admin/cli/users.ts set-role anna admin
 *   deno run -A admin/cli/users.ts ensure-admin        (npm start: first local admin, once)
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/eventflow).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { infraEnv, parseConfig } from "../../shared/config.ts";
import { createPostgres, type Sql } from "../../shared/postgres/mod.ts";
import {
  changeRole,
  createAccount,
  ensureFirstAdmin,
  listAccounts,
  resetPassword,
  setDisabled,
} from "../access/accounts.ts";
import type { ScryptCost } from "../access/password.ts";
import { InputError, NotFoundError } from "../core/errors.ts";

const USAGE = `Usage: users.ts <command>
  create --username NAME --role viewer|analyst|admin
  list
  disable NAME | enable NAME | reset-password NAME
  set-role NAME viewer|analyst|admin
  ensure-admin   create "admin" with a printed password when no enabled admin exists`;

/** Runs one command; returns the lines to print. Exported for tests. */
export async function runUsersCommand(
  sql: Sql,
  argv: string[],
  opts: { actor?: string; cost?: ScryptCost } = {},
): Promise<string[]> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { username: { type: "string" }, role: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  const [command, name, extra] = positionals;
  const account = { actor: opts.actor ?? "cli", cost: opts.cost };
  const needName = () => {
    if (name === undefined) throw new InputError("username", `"${command}" needs a username`);
    return name;
  };
  switch (command) {
    case "create": {
      const created = await createAccount(
        sql,
        { username: values.username ?? name, role: values.role ?? extra },
        account,
      );
      return [
        `Created ${created.role} ${created.username}.`,
        `Password (shown only now): ${created.password}`,
      ];
    }
    case "list": {
      const users = await listAccounts(sql);
      if (users.length === 0) return ["No console users. Create one with: users.ts create"];
      return users.map((u) =>
        [
          u.username.padEnd(24),
          u.role.padEnd(8),
          u.disabled_at === null ? "active  " : "disabled",
          u.created_at.toISOString(),
        ].join("  ")
      );
    }
    case "disable":
    case "enable":
      await setDisabled(sql, { username: needName(), disabled: command === "disable" }, account);
      return [`${command === "disable" ? "Disabled" : "Enabled"} ${needName()}.`];
    case "reset-password": {
      const done = await resetPassword(sql, { username: needName() }, account);
      return [`New password for ${done.username} (shown only now): ${done.password}`];
    }
    case "set-role":
      await changeRole(sql, { username: needName(), role: values.role ?? extra }, account);
      return [`${needName()} is now ${values.role ?? extra}.`];
    case "ensure-admin": {
      const created = await ensureFirstAdmin(sql, account);
      if (created === undefined) return [];
      return [
        `Created the first console admin. Sign in as "${created.username}" with this password (shown only now):`,
        `    ${created.password}`,
        `Add colleagues on the console's "Console users" page or with admin/cli/users.ts.`,
      ];
    }
    default:
      throw new InputError("command", `Unknown command "${command ?? ""}".\n${USAGE}`);
  }
}

async function main(): Promise<number> {
  const env = parseConfig(z.object({ DATABASE_URL: infraEnv.DATABASE_URL }), Deno.env.toObject());
  const sql = createPostgres(env.DATABASE_URL, { max: 1 });
  try {
    for (const line of await runUsersCommand(sql, Deno.args)) console.log(line);
    return 0;
  } catch (error) {
    if (error instanceof InputError || error instanceof NotFoundError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    if (
      error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")
    ) {
      console.error(`error: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (import.meta.main) Deno.exit(await main());
