/**
 * Signed-in test clients: an account created under a test prefix, signed in through the real
 * `/signin` form, and helpers that send its cookie (and CSRF token) with every request.
 */
import type { Hono } from "hono";
import type { Sql } from "../../shared/postgres/mod.ts";
import type { Role } from "../adapters/pg_access.ts";
import { createAccount } from "../access/accounts.ts";
import type { ScryptCost } from "../access/password.ts";
import type { Page } from "./http.ts";

/** A cheap scrypt cost for test accounts (hashing cost is not what these tests measure). */
export const TEST_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

/** A signed-in client of an in-process app. */
export interface TestSession {
  username: string;
  password: string;
  csrf: string;
  /** Cookie header value carrying the session. */
  cookie: string;
  /** Headers of a signed-in request. */
  headers: Record<string, string>;
  get(path: string, headers?: Record<string, string>): Promise<Page>;
  /** POSTs a urlencoded form; adds `_csrf` unless `csrf: false`. */
  post(path: string, form: Record<string, string>, opts?: { csrf?: boolean }): Promise<Response>;
}

/** The value of cookie `name` among a response's Set-Cookie headers. */
export function setCookieValue(response: Response, name: string): string | undefined {
  for (const line of response.headers.getSetCookie()) {
    const match = new RegExp(`^${name}=([^;]*)`).exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/** Signs in through GET + POST /signin; throws unless it ends in a redirect with a session. */
export async function signInForm(
  app: Hono,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const form = await app.request("/signin", { headers });
  const html = await form.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const pre = setCookieValue(form, "ef_signin") ?? "";
  return await app.request("/signin", {
    method: "POST",
    headers: {
      ...headers,
      "content-type": "application/x-www-form-urlencoded",
      cookie: `ef_signin=${pre}`,
    },
    body: new URLSearchParams({ username, password, _csrf: csrf, next: "/" }),
  });
}

/** Creates `${prefix}${role}` with `role` and signs it in. */
export async function signedIn(
  app: Hono,
  sql: Sql,
  opts: { prefix: string; role: Role; suffix?: string },
): Promise<TestSession> {
  const username = `${opts.prefix}${opts.role}${opts.suffix ?? ""}`.toLowerCase();
  const { password } = await createAccount(sql, { username, role: opts.role }, {
    actor: "test",
    cost: TEST_COST,
  });
  const response = await signInForm(app, username, password);
  await response.body?.cancel();
  const id = setCookieValue(response, "ef_session");
  if (response.status !== 303 || id === undefined) {
    throw new Error(`Sign-in of ${username} failed with ${response.status}`);
  }
  const cookie = `ef_session=${id}`;
  const [row] = await sql<{ csrf_token: string }[]>`SELECT s.csrf_token FROM admin_sessions s
    WHERE s.username = ${username} ORDER BY created_at DESC LIMIT 1`;
  const csrf = row!.csrf_token;
  const headers = { cookie };
  return {
    username,
    password,
    csrf,
    cookie,
    headers,
    async get(path, extra = {}) {
      const res = await app.request(path, { headers: { ...headers, ...extra } });
      return {
        status: res.status,
        type: res.headers.get("content-type") ?? "",
        html: await res.text(),
      };
    },
    post(path, form, postOpts = {}) {
      const body = new URLSearchParams(form);
      if (postOpts.csrf !== false) body.set("_csrf", csrf);
      return Promise.resolve(app.request(path, {
        method: "POST",
        headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
        body,
      }));
    },
  };
}

/** Removes every console account, session, failure and audit entry of a test prefix. */
export async function removeStaff(sql: Sql, prefix: string): Promise<void> {
  if (!/^adm_[0-9a-f]{8}_$/.test(prefix)) throw new Error(`Refusing test prefix "${prefix}"`);
  const like = `${prefix}%`;
  await sql`DELETE FROM admin_audit WHERE actor LIKE ${like} OR target LIKE ${like}`;
  await sql`DELETE FROM admin_signin_failures WHERE username LIKE ${like}`;
  await sql`DELETE FROM admin_users WHERE username LIKE ${like}`;
}
