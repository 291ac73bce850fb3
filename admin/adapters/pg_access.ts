/**
 * PostgreSQL side of console access: staff accounts, server-side sessions, failed sign-ins
 * and the audit trail (tables from migration 0005_admin_access).
 */
import type { Sql } from "../../shared/postgres/mod.ts";

/** The three roles, weakest first. */
export const ROLES = ["viewer", "analyst", "admin"] as const;
/** A staff role: viewer reads, analyst also exports, admin also manages data, users and dead letters. */
export type Role = typeof ROLES[number];

/** True when `role` is at least `needed`. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** One staff account, without its password hash. */
export interface StaffUser {
  username: string;
  role: Role;
  created_at: Date;
  disabled_at: Date | null;
}

/** A staff account with its hash, for sign-in only. */
export interface StaffCredentials extends StaffUser {
  password_hash: string;
}

/** Creates an account; false when the username is taken. */
export async function insertStaff(
  sql: Sql,
  user: { username: string; role: Role; passwordHash: string },
): Promise<boolean> {
  const rows = await sql`INSERT INTO admin_users (username, role, password_hash)
    VALUES (${user.username}, ${user.role}, ${user.passwordHash})
    ON CONFLICT (username) DO NOTHING RETURNING username`;
  return rows.length === 1;
}

/** The account with its hash, or undefined. */
export async function findStaff(sql: Sql, username: string): Promise<StaffCredentials | undefined> {
  const [row] = await sql<StaffCredentials[]>`SELECT username, role, created_at, disabled_at,
    password_hash FROM admin_users WHERE username = ${username}`;
  return row;
}

/** Every account, admins first. */
export function listStaff(sql: Sql): Promise<StaffUser[]> {
  return sql<StaffUser[]>`SELECT username, role, created_at, disabled_at FROM admin_users
    ORDER BY disabled_at IS NOT NULL, array_position(ARRAY['admin','analyst','viewer'], role), username`;
}

/** How many enabled admins exist (the console refuses to remove the last one). */
export async function countActiveAdmins(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM admin_users
    WHERE role = 'admin' AND disabled_at IS NULL`;
  return row?.n ?? 0;
}

/** Disables or re-enables an account; disabling ends its sessions. False when it does not exist. */
export async function setStaffDisabled(
  sql: Sql,
  username: string,
  disabled: boolean,
): Promise<boolean> {
  return await sql.begin(async (tx) => {
    const rows = await tx`UPDATE admin_users
      SET disabled_at = ${disabled ? tx`now()` : null}, updated_at = now()
      WHERE username = ${username} RETURNING username`;
    if (disabled) await tx`DELETE FROM admin_sessions WHERE username = ${username}`;
    return rows.length === 1;
  });
}

/** Replaces the password hash and ends every session of the account. */
export async function setStaffPassword(
  sql: Sql,
  username: string,
  passwordHash: string,
): Promise<boolean> {
  return await sql.begin(async (tx) => {
    const rows = await tx`UPDATE admin_users SET password_hash = ${passwordHash}, updated_at = now()
      WHERE username = ${username} RETURNING username`;
    await tx`DELETE FROM admin_sessions WHERE username = ${username}`;
    return rows.length === 1;
  });
}

/** Changes the role; false when the account does not exist. */
export async function setStaffRole(sql: Sql, username: string, role: Role): Promise<boolean> {
  const rows = await sql`UPDATE admin_users SET role = ${role}, updated_at = now()
    WHERE username = ${username} RETURNING username`;
  return rows.length === 1;
}

/** A signed-in session as the middleware sees it. */
export interface SessionInfo {
  username: string;
  role: Role;
  csrf_token: string;
}

/** Stores a new session under the hash of its id. */
export async function insertSession(
  sql: Sql,
  session: { idHash: string; username: string; csrfToken: string; now: Date },
): Promise<void> {
  await sql`INSERT INTO admin_sessions (id_hash, username, csrf_token, created_at, last_seen_at)
    VALUES (${session.idHash}, ${session.username}, ${session.csrfToken}, ${session.now}, ${session.now})`;
}

/**
 * The live session with this id hash, touched to `now`; undefined when it does not exist, has
 * been idle since before `idleSince`, started before `startedSince`, or its account is disabled.
 */
export async function touchSession(
  sql: Sql,
  idHash: string,
  opts: { now: Date; idleSince: Date; startedSince: Date },
): Promise<SessionInfo | undefined> {
  const [row] = await sql<SessionInfo[]>`UPDATE admin_sessions s SET last_seen_at = ${opts.now}
    FROM admin_users u
    WHERE s.id_hash = ${idHash} AND u.username = s.username AND u.disabled_at IS NULL
      AND s.last_seen_at >= ${opts.idleSince} AND s.created_at >= ${opts.startedSince}
    RETURNING s.username, u.role, s.csrf_token`;
  return row;
}

/** Ends one session. */
export async function deleteSession(sql: Sql, idHash: string): Promise<void> {
  await sql`DELETE FROM admin_sessions WHERE id_hash = ${idHash}`;
}

/**
 * Removes one account's sessions idle since before `idleSince` (housekeeping on its sign-in;
 * scoped to the account so one clock never expires another's sessions).
 */
export async function deleteIdleSessions(
  sql: Sql,
  username: string,
  idleSince: Date,
): Promise<void> {
  await sql`DELETE FROM admin_sessions WHERE username = ${username} AND last_seen_at < ${idleSince}`;
}

/** Records one failed sign-in. */
export async function insertSigninFailure(
  sql: Sql,
  failure: { username: string; clientIp: string; at: Date },
): Promise<void> {
  await sql`INSERT INTO admin_signin_failures (username, client_ip, failed_at)
    VALUES (${failure.username}, ${failure.clientIp}, ${failure.at})`;
}

/** Failed sign-ins since `since` for this username and from this address. */
export async function countSigninFailures(
  sql: Sql,
  key: { username: string; clientIp: string; since: Date },
): Promise<{ byUser: number; byIp: number }> {
  const [row] = await sql<{ by_user: number; by_ip: number }[]>`SELECT
      count(*) FILTER (WHERE username = ${key.username})::int AS by_user,
      count(*) FILTER (WHERE client_ip = ${key.clientIp})::int AS by_ip
    FROM admin_signin_failures
    WHERE failed_at >= ${key.since} AND (username = ${key.username} OR client_ip = ${key.clientIp})`;
  return { byUser: row?.by_user ?? 0, byIp: row?.by_ip ?? 0 };
}

/** Forgets a username's failures after it signs in successfully. */
export async function clearSigninFailures(sql: Sql, username: string): Promise<void> {
  await sql`DELETE FROM admin_signin_failures WHERE username = ${username}`;
}

/** One audit entry. */
export interface AuditEntry {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

/** Appends an audit entry: who did what to which target. */
export async function insertAudit(
  sql: Sql,
  entry: { actor: string; action: string; target?: string; details?: Record<string, unknown> },
): Promise<void> {
  await sql`INSERT INTO admin_audit (actor, action, target, details) VALUES
    (${entry.actor}, ${entry.action}, ${entry.target ?? null}, ${
    sql.json(
      (entry.details ?? {}) as never,
    )
  })`;
}

/** The newest audit entries, optionally of one actor or with a target prefix. */
export function listAudit(
  sql: Sql,
  opts: { limit: number; offset: number; actor?: string },
): Promise<AuditEntry[]> {
  return sql<AuditEntry[]>`SELECT id::text, at, actor, action, target, details FROM admin_audit
    ${opts.actor !== undefined ? sql`WHERE actor = ${opts.actor}` : sql``}
    ORDER BY id DESC LIMIT ${opts.limit} OFFSET ${opts.offset}`;
}
