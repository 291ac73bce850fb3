/**
 * Sign-in and sessions: random session ids (only their SHA-256 stored), a CSRF token per
 * session, idle and absolute expiry, and throttling of failed sign-ins per username and per
 * client address.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Sql } from "../../shared/postgres/mod.ts";
import {
  clearSigninFailures,
  countSigninFailures,
  deleteIdleSessions,
  deleteSession,
  findStaff,
  insertAudit,
  insertSession,
  insertSigninFailure,
  type SessionInfo,
  touchSession,
} from "../adapters/pg_access.ts";
import { decoyHash, type ScryptCost, verifyPassword } from "./password.ts";

/** Session and throttling policy; every field has a default. */
export interface SessionPolicy {
  /** A session unused this long ends (default 30 min). */
  idleMs?: number;
  /** A session ends this long after sign-in whatever its use (default 12 h). */
  maxAgeMs?: number;
  /** Failures counted over this window (default 15 min). */
  throttleWindowMs?: number;
  /** Failed sign-ins per username within the window before refusing (default 5). */
  maxFailuresPerUser?: number;
  /** Failed sign-ins per client address within the window before refusing (default 20). */
  maxFailuresPerIp?: number;
}

/** {@link SessionPolicy} with every default filled in. */
export type ResolvedSessionPolicy = Required<SessionPolicy>;

/** Fills in the defaults of a {@link SessionPolicy}. */
export function resolveSessionPolicy(policy: SessionPolicy = {}): ResolvedSessionPolicy {
  return {
    idleMs: policy.idleMs ?? 30 * 60_000,
    maxAgeMs: policy.maxAgeMs ?? 12 * 3_600_000,
    throttleWindowMs: policy.throttleWindowMs ?? 15 * 60_000,
    maxFailuresPerUser: policy.maxFailuresPerUser ?? 5,
    maxFailuresPerIp: policy.maxFailuresPerIp ?? 20,
  };
}

/** A random URL-safe token of 32 bytes (session ids, CSRF tokens). */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The SHA-256 (hex) under which a session id is stored. */
export function hashSessionId(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

/** Compares two tokens in constant time; false for any missing one. */
export function tokensEqual(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a === "" || b === "") return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What a sign-in attempt ends in. */
export type SignInOutcome =
  | { kind: "ok"; sessionId: string; username: string }
  | { kind: "invalid" }
  | { kind: "throttled"; retryAfterSeconds: number };

/** Checks a username and password, throttled; on success opens a session. */
export async function signIn(
  sql: Sql,
  attempt: { username: string; password: string; clientIp: string },
  opts: { now: Date; policy: ResolvedSessionPolicy; cost?: ScryptCost },
): Promise<SignInOutcome> {
  const username = attempt.username.trim().toLowerCase().slice(0, 100);
  const { policy, now } = opts;
  const failures = await countSigninFailures(sql, {
    username,
    clientIp: attempt.clientIp,
    since: new Date(now.getTime() - policy.throttleWindowMs),
  });
  if (failures.byUser >= policy.maxFailuresPerUser || failures.byIp >= policy.maxFailuresPerIp) {
    return { kind: "throttled", retryAfterSeconds: Math.ceil(policy.throttleWindowMs / 1000) };
  }
  const user = await findStaff(sql, username);
  // Verify even for an unknown or disabled user so timing does not reveal which accounts exist.
  const matches = await verifyPassword(
    attempt.password,
    user?.password_hash ?? decoyHash(opts.cost),
  );
  if (user === undefined || user.disabled_at !== null || !matches) {
    await insertSigninFailure(sql, { username, clientIp: attempt.clientIp, at: now });
    return { kind: "invalid" };
  }
  await clearSigninFailures(sql, username);
  await deleteIdleSessions(sql, username, new Date(now.getTime() - policy.idleMs));
  const sessionId = randomToken();
  await insertSession(sql, {
    idHash: hashSessionId(sessionId),
    username,
    csrfToken: randomToken(),
    now,
  });
  await insertAudit(sql, {
    actor: username,
    action: "session.sign_in",
    details: { ip: attempt.clientIp },
  });
  return { kind: "ok", sessionId, username };
}

/** The live session for a cookie value, touched; undefined when absent, expired or disabled. */
export function readSession(
  sql: Sql,
  sessionId: string,
  opts: { now: Date; policy: ResolvedSessionPolicy },
): Promise<SessionInfo | undefined> {
  const now = opts.now.getTime();
  return touchSession(sql, hashSessionId(sessionId), {
    now: opts.now,
    idleSince: new Date(now - opts.policy.idleMs),
    startedSince: new Date(now - opts.policy.maxAgeMs),
  });
}

/** Ends a session (sign-out). */
export async function endSession(sql: Sql, sessionId: string, actor: string): Promise<void> {
  await deleteSession(sql, hashSessionId(sessionId));
  await insertAudit(sql, { actor, action: "session.sign_out" });
}
