/**
 * Account operations shared by the console's users page and `admin/cli/users.ts`: each validates
 * its input, changes PostgreSQL and writes an audit entry naming the actor.
 */
import type { Sql } from "../../shared/postgres/mod.ts";
import { InputError, NotFoundError } from "../core/errors.ts";
import {
  countActiveAdmins,
  findStaff,
  insertAudit,
  insertStaff,
  listStaff,
  type Role,
  ROLES,
  setStaffDisabled,
  setStaffPassword,
  setStaffRole,
  type StaffUser,
} from "../adapters/pg_access.ts";
import {
  DEFAULT_COST,
  generatePassword,
  hashPassword,
  passwordProblem,
  type ScryptCost,
} from "./password.ts";

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

/** Options every account operation takes. */
export interface AccountOptions {
  /** Who acts, for the audit trail: a console username, `cli` or `start`. */
  actor: string;
  /** scrypt cost for new hashes (default {@link DEFAULT_COST}). */
  cost?: ScryptCost;
}

/** Checks a username: 2–63 characters of a-z, 0-9, `.`, `_`, `-`, starting with a letter or digit. */
export function parseUsername(value: unknown): string {
  const text = typeof value === "string" ? value.trim().toLowerCase() : "";
  if (!USERNAME.test(text)) {
    throw new InputError(
      "username",
      `Username "${String(value ?? "")}" is invalid: use 2–63 characters a-z, 0-9, ".", "_" or "-"`,
    );
  }
  return text;
}

/** Checks a role name. */
export function parseRole(value: unknown): Role {
  if (typeof value === "string" && (ROLES as readonly string[]).includes(value)) {
    return value as Role;
  }
  throw new InputError(
    "role",
    `Role "${String(value ?? "")}" is invalid: use one of ${ROLES.join(", ")}`,
  );
}

/** Creates an account; the password is generated when not given. Returns the password. */
export async function createAccount(
  sql: Sql,
  input: { username: unknown; role: unknown; password?: string },
  opts: AccountOptions,
): Promise<{ username: string; role: Role; password: string }> {
  const username = parseUsername(input.username);
  const role = parseRole(input.role);
  const password = input.password ?? generatePassword();
  const problem = passwordProblem(password);
  if (problem !== undefined) throw new InputError("password", `The password ${problem}`);
  const passwordHash = await hashPassword(password, opts.cost ?? DEFAULT_COST);
  if (!(await insertStaff(sql, { username, role, passwordHash }))) {
    throw new InputError("username", `Username "${username}" is already taken`);
  }
  await insertAudit(sql, {
    actor: opts.actor,
    action: "user.create",
    target: username,
    details: { role },
  });
  return { username, role, password };
}

/** Sets a new (generated unless given) password and ends the account's sessions. */
export async function resetPassword(
  sql: Sql,
  input: { username: unknown; password?: string },
  opts: AccountOptions,
): Promise<{ username: string; password: string }> {
  const username = parseUsername(input.username);
  const password = input.password ?? generatePassword();
  const problem = passwordProblem(password);
  if (problem !== undefined) throw new InputError("password", `The password ${problem}`);
  const hash = await hashPassword(password, opts.cost ?? DEFAULT_COST);
  if (!(await setStaffPassword(sql, username, hash))) throw noSuchUser(username);
  await insertAudit(sql, { actor: opts.actor, action: "user.reset_password", target: username });
  return { username, password };
}

/** Disables (ending its sessions) or re-enables an account; never the last enabled admin. */
export async function setDisabled(
  sql: Sql,
  input: { username: unknown; disabled: boolean },
  opts: AccountOptions,
): Promise<void> {
  const username = parseUsername(input.username);
  const user = await findStaff(sql, username);
  if (user === undefined) throw noSuchUser(username);
  if (input.disabled && user.role === "admin" && user.disabled_at === null) {
    await refuseLastAdmin(sql, username);
  }
  await setStaffDisabled(sql, username, input.disabled);
  await insertAudit(sql, {
    actor: opts.actor,
    action: input.disabled ? "user.disable" : "user.enable",
    target: username,
  });
}

/** Changes an account's role; never demotes the last enabled admin. */
export async function changeRole(
  sql: Sql,
  input: { username: unknown; role: unknown },
  opts: AccountOptions,
): Promise<void> {
  const username = parseUsername(input.username);
  const role = parseRole(input.role);
  const user = await findStaff(sql, username);
  if (user === undefined) throw noSuchUser(username);
  if (user.role === "admin" && role !== "admin" && user.disabled_at === null) {
    await refuseLastAdmin(sql, username);
  }
  await setStaffRole(sql, username, role);
  await insertAudit(sql, {
    actor: opts.actor,
    action: "user.role",
    target: username,
    details: { from: user.role, to: role },
  });
}

/** Every account. */
export function listAccounts(sql: Sql): Promise<StaffUser[]> {
  return listStaff(sql);
}

/**
 * Creates `admin` with a generated password when no enabled admin exists (what `npm start`
 * runs); returns the password, or undefined when an admin already exists.
 */
export async function ensureFirstAdmin(
  sql: Sql,
  opts: AccountOptions & { username?: string },
): Promise<{ username: string; password: string } | undefined> {
  if ((await countActiveAdmins(sql)) > 0) return undefined;
  const username = opts.username ?? "admin";
  const existing = await findStaff(sql, username);
  if (existing !== undefined) {
    // An old, disabled or demoted "admin" account: bring it back as admin with a new password.
    await setStaffRole(sql, username, "admin");
    await setStaffDisabled(sql, username, false);
    return await resetPassword(sql, { username }, opts);
  }
  const created = await createAccount(sql, { username, role: "admin" }, opts);
  return { username: created.username, password: created.password };
}

async function refuseLastAdmin(sql: Sql, username: string): Promise<void> {
  if ((await countActiveAdmins(sql)) <= 1) {
    throw new InputError(
      "username",
      `"${username}" is the last enabled admin; make another admin first`,
    );
  }
}

function noSuchUser(username: string): NotFoundError {
  return new NotFoundError(`There is no console user "${username}"`);
}
