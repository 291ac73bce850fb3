/**
 * Who may ask the stand-in, decided the way clickhouse-server decides it where the embedded
 * engine cannot: users with passwords, read-only levels (user, GET, `readonly`), per-query limits,
 * and the Host/Origin check that keeps web pages and DNS rebinding out. What a statement may do is
 * in statement.ts. Pure.
 * @module
 */

import { ClickHouseException } from "./errors.ts";

/** One user of the stand-in. */
export interface User {
  name: string;
  /** SHA-256 of the password, lower-case hex (clickhouse-server's `password_sha256_hex`). */
  passwordSha256: string;
  /**
   * 0 reads and writes; 2 reads only but may pass settings (what Grafana and
   * `@clickhouse/client` need); 1 reads only with no settings (clickhouse-server's `readonly`).
   */
  readonly: 0 | 1 | 2;
}

/** Per-query limits: applied when a request sets none, and the most a request may ask for. */
export interface Limits {
  /** Seconds; the engine stops a query that runs longer (TIMEOUT_EXCEEDED). */
  maxExecutionTime: number;
  /** Bytes; the engine stops a query that allocates more (MEMORY_LIMIT_EXCEEDED). */
  maxMemoryUsage: number;
}

/** The stand-in's users, limits and accepted host names. */
export interface AccessPolicy {
  users: User[];
  limits: Limits;
  /** Host names (without port) accepted in the Host header and in Origin, besides loopback. */
  allowedHosts: string[];
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** 497 ACCESS_DENIED (HTTP 403) with `message`. */
export function accessDenied(message: string): ClickHouseException {
  return new ClickHouseException(497, "ACCESS_DENIED", message);
}

/**
 * Refuses a request whose Host is not this machine or an allowed name (DNS rebinding), or that a
 * browser sent from a page of another origin (`Origin` not loopback or allowed). Both 403.
 */
export function checkHostAndOrigin(headers: Headers, allowedHosts: readonly string[]): void {
  const allowed = (host: string) => LOOPBACK_HOSTS.has(host) || allowedHosts.includes(host);
  const host = headers.get("host");
  if (host !== null && !allowed(hostnameOf(host))) {
    throw accessDenied(
      `Host ${JSON.stringify(host)} is not allowed: use 127.0.0.1 or localhost, or add the name ` +
        "to CLICKHOUSE_ALLOWED_HOSTS",
    );
  }
  const origin = headers.get("origin");
  if (origin === null) return;
  let originHost: string | null = null;
  try {
    const url = new URL(origin);
    if (url.protocol === "http:" || url.protocol === "https:") originHost = url.hostname;
  } catch { /* "null" and other opaque origins */ }
  if (originHost === null || !allowed(originHost)) {
    throw accessDenied(
      `Cross-origin request from ${JSON.stringify(origin)} refused: web pages may not query ` +
        "ClickHouse",
    );
  }
}

function hostnameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(0, value.indexOf("]") + 1);
  const colon = value.indexOf(":");
  return colon < 0 ? value : value.slice(0, colon);
}

/** The user name and password a request presents, as clickhouse-server reads them. */
export function credentialsOf(url: URL, headers: Headers): { user: string; password: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(headers.get("authorization") ?? "");
  if (basic) {
    let decoded = "";
    try {
      decoded = new TextDecoder().decode(
        Uint8Array.from(atob(basic[1]!), (c) => c.charCodeAt(0)),
      );
    } catch {
      throw new ClickHouseException(
        516,
        "AUTHENTICATION_FAILED",
        "Invalid Basic authorization header",
      );
    }
    const colon = decoded.indexOf(":");
    return colon < 0
      ? { user: decoded, password: "" }
      : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return {
    user: headers.get("x-clickhouse-user") ?? url.searchParams.get("user") ?? "default",
    password: headers.get("x-clickhouse-key") ?? url.searchParams.get("password") ?? "",
  };
}

/** SHA-256 of a password as lower-case hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Finds the user whose name and password match; throws 516 AUTHENTICATION_FAILED otherwise. */
export async function authenticate(
  users: readonly User[],
  presented: { user: string; password: string },
): Promise<User> {
  const hash = await sha256Hex(presented.password);
  const user = users.find((u) => u.name === presented.user);
  // Compared in full either way, so the time taken does not tell how much of it matched.
  let diff = user === undefined ? 1 : 0;
  const expected = user?.passwordSha256 ?? "0".repeat(64);
  for (let i = 0; i < 64; i++) diff |= expected.charCodeAt(i) ^ hash.charCodeAt(i);
  if (user === undefined || diff !== 0) {
    throw new ClickHouseException(
      516,
      "AUTHENTICATION_FAILED",
      `${presented.user}: Authentication failed: password is incorrect, or there is no user with ` +
        "such name",
    );
  }
  return user;
}

/** How read-only one request is: the user's level, raised by GET (2) or a `readonly` parameter. */
export function effectiveReadonly(
  user: User,
  opts: { method: string; requested?: string },
): 0 | 1 | 2 {
  let level: 0 | 1 | 2 = user.readonly;
  if (opts.requested !== undefined) {
    const asked = Number(opts.requested);
    if (asked !== 0 && asked !== 1 && asked !== 2) {
      throw new ClickHouseException(
        36,
        "BAD_ARGUMENTS",
        `Invalid readonly value ${JSON.stringify(opts.requested)}: expected 0, 1 or 2`,
      );
    }
    if (user.readonly !== 0 && asked !== user.readonly) {
      throw readonlyError(user, "Cannot modify 'readonly' setting in readonly mode");
    }
    if (asked !== 0) level = asked;
  }
  if (opts.method === "GET" && level === 0) level = 2;
  return level;
}

/** 164 READONLY for `user` with `message`. */
export function readonlyError(user: User, message: string): ClickHouseException {
  return new ClickHouseException(164, "READONLY", `${user.name}: ${message}`);
}

// Settings that bound a query; a request may lower them, never raise or remove them.
const LIMIT_SETTINGS = {
  max_execution_time: (l: Limits) => l.maxExecutionTime,
  max_memory_usage: (l: Limits) => l.maxMemoryUsage,
} as const;

/** Refuses a value of a limit setting that is 0 (unlimited), not a number, or above the limit. */
function checkLimit(
  name: keyof typeof LIMIT_SETTINGS,
  value: string,
  limits: Limits,
): void {
  const max = LIMIT_SETTINGS[name](limits);
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    throw new ClickHouseException(
      452,
      "SETTING_CONSTRAINT_VIOLATION",
      `Setting ${name} shouldn't be greater than ${max} (got ${JSON.stringify(value)}; 0 means ` +
        "unlimited and is not allowed either)",
    );
  }
}

// Settings the stand-in fixes for everyone (server configuration on clickhouse-server):
// introspection functions read the server's memory map.
const FIXED_SETTINGS = new Set(["allow_introspection_functions"]);

/** Refuses changing a fixed setting and raising or removing a limit; other settings pass. */
export function checkSettingValue(name: string, value: string, limits: Limits): void {
  const lower = name.toLowerCase();
  if (FIXED_SETTINGS.has(lower)) {
    throw new ClickHouseException(
      452,
      "SETTING_CONSTRAINT_VIOLATION",
      `Setting ${lower} should not be changed`,
    );
  }
  if (lower in LIMIT_SETTINGS) checkLimit(lower as keyof typeof LIMIT_SETTINGS, value, limits);
}

/**
 * Checks the URL settings of a request against its read-only level and the limits, and returns
 * them with the default limits added where the request set none.
 */
export function checkSettings(
  settings: Record<string, string>,
  opts: { user: User; readonly: 0 | 1 | 2; limits: Limits },
): Record<string, string> {
  const names = Object.keys(settings);
  if (opts.readonly === 1 && names.length > 0) {
    throw readonlyError(opts.user, `Cannot modify '${names[0]}' setting in readonly mode`);
  }
  for (const name of names) checkSettingValue(name, settings[name]!, opts.limits);
  return {
    max_execution_time: String(opts.limits.maxExecutionTime),
    max_memory_usage: String(opts.limits.maxMemoryUsage),
    ...settings,
  };
}
