/**
 * The console's gate: every page but the sign-in page, static files and the ops endpoints needs
 * a live session; every state-changing request needs the session's CSRF token; some routes need
 * a role. The signed-in staff member is put on the context for pages and audit entries.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { getConnInfo } from "hono/deno";
import type { SessionInfo } from "../adapters/pg_access.ts";
import { type Role, roleAtLeast } from "../adapters/pg_access.ts";
import { type Stores, withPostgres } from "../adapters/stores.ts";
import { ForbiddenError } from "../core/errors.ts";
import { readSession, type ResolvedSessionPolicy, tokensEqual } from "./sessions.ts";

/** Name of the session cookie. */
export const SESSION_COOKIE = "ef_session";
/** Name of the pre-session cookie the sign-in form's CSRF token is checked against. */
export const SIGNIN_CSRF_COOKIE = "ef_signin";

/** Context variables the gate sets. */
export interface AccessVariables {
  /** The signed-in staff member (absent only on public paths). */
  staff?: SessionInfo;
}

const PUBLIC = [
  /^\/signin$/,
  /^\/static\//,
  /^\/(healthz|readyz|metrics|favicon\.ico)$/,
  /^\/lang$/,
];
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Options of {@link requireSession}. */
export interface GateOptions {
  stores: Stores;
  policy: ResolvedSessionPolicy;
  now: () => Date;
}

/** Loads the session; redirects pages to /signin (401 for other requests) when there is none. */
export function requireSession(
  opts: GateOptions,
): MiddlewareHandler<{ Variables: AccessVariables }> {
  return async function sessionGate(c, next) {
    if (PUBLIC.some((pattern) => pattern.test(c.req.path))) return await next();
    const id = getCookie(c, SESSION_COOKIE);
    const staff = id === undefined || id.length > 100
      ? undefined
      : await withPostgres(opts.stores, (sql) =>
        readSession(sql, id, { now: opts.now(), policy: opts.policy }));
    if (staff === undefined) {
      if (c.req.method === "GET" && !wantsJson(c)) {
        const url = new URL(c.req.url);
        const next = `${url.pathname}${url.search}`;
        return c.redirect(
          next === "/" ? "/signin" : `/signin?next=${encodeURIComponent(next)}`,
          303,
        );
      }
      return c.json({
        error: { status: 401, title: "Sign-in required", message: "Sign in to use the console." },
      }, 401);
    }
    c.set("staff", staff);
    if (!SAFE_METHODS.has(c.req.method)) {
      const token = c.req.header("x-csrf-token") ?? await formField(c, "_csrf");
      if (!tokensEqual(token, staff.csrf_token)) {
        throw new ForbiddenError(
          "csrf",
          "This request has no valid CSRF token (field _csrf or header X-CSRF-Token); reload the page and try again.",
        );
      }
    }
    await next();
  };
}

/** Refuses (403) a signed-in staff member whose role is weaker than `role`. */
export function requireRole(role: Role): MiddlewareHandler<{ Variables: AccessVariables }> {
  return async function roleGate(c, next) {
    const staff = c.get("staff");
    if (staff === undefined || !roleAtLeast(staff.role, role)) {
      throw new ForbiddenError(
        "role",
        `This needs the ${role} role; you are signed in as ${
          staff?.role ?? "nobody"
        }. Ask an admin.`,
      );
    }
    await next();
  };
}

/** The signed-in staff member; throws on a public path (a bug). */
export function staffOf(c: Context): SessionInfo {
  const staff = (c as Context<{ Variables: AccessVariables }>).get("staff");
  if (staff === undefined) {
    throw new Error(`No session on ${c.req.path}: route is not behind the gate`);
  }
  return staff;
}

/** A form field of a urlencoded or multipart body (parsed once, cached by Hono), else undefined. */
export async function formField(c: Context, name: string): Promise<string | undefined> {
  const type = c.req.header("content-type") ?? "";
  if (
    !type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")
  ) {
    return undefined;
  }
  const body = await c.req.parseBody({ all: true });
  const value = body[name];
  return typeof value === "string" ? value : undefined;
}

/** The client address: the socket's peer, or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // in-process app.request() has no socket
  }
}

/** True when the session cookie must be Secure: configured, or the request came over https. */
export function cookieSecure(c: Context, opts: { secure?: boolean; trustProxy: boolean }): boolean {
  if (opts.secure !== undefined) return opts.secure;
  if (new URL(c.req.url).protocol === "https:") return true;
  return opts.trustProxy && c.req.header("x-forwarded-proto") === "https";
}

function wantsJson(c: Context): boolean {
  const accept = c.req.header("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}
