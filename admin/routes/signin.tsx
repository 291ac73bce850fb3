/**
 * `/signin` (form and check), `/signout`, and `/lang` (remembers language and time zone in
 * cookies). These are the only pages reachable without a session.
 */
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { renderPage } from "./deps.ts";
import type { Stores } from "../adapters/stores.ts";
import { withPostgres } from "../adapters/stores.ts";
import {
  clientIp,
  cookieSecure,
  SESSION_COOKIE,
  SIGNIN_CSRF_COOKIE,
  staffOf,
} from "../access/middleware.ts";
import {
  endSession,
  randomToken,
  readSession,
  type ResolvedSessionPolicy,
  signIn,
  tokensEqual,
} from "../access/sessions.ts";
import { Layout } from "../components/layout.tsx";
import type { ScryptCost } from "../access/password.ts";
import { LANG_COOKIE, TZ_COOKIE, uiOf, useUi } from "../components/ui.ts";
import { parseLocale, parseTimeZone } from "../i18n/mod.ts";

/** Dependencies of the sign-in routes. */
export interface SigninDeps {
  stores: Stores;
  now: () => Date;
  policy: ResolvedSessionPolicy;
  /** Force the Secure cookie flag on or off (default: on when the request came over https). */
  secureCookies?: boolean;
  /** Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy (default false). */
  trustProxy: boolean;
  /** scrypt cost of the decoy hash checked for unknown usernames (match real hashes' cost). */
  passwordCost?: ScryptCost;
}

/** A same-site path to go back to, or `/` for anything else (no open redirects). */
export function safeNext(value: string | undefined): string {
  if (value === undefined || !value.startsWith("/") || value.startsWith("//")) return "/";
  if (value.includes("\\") || /[\r\n]/.test(value)) return "/";
  return value;
}

function SigninPage(props: { csrf: string; next: string; username?: string; error?: string }) {
  const { t } = useUi();
  return (
    <Layout title={t("signin.title")} active="">
      <SigninForm {...props} />
    </Layout>
  );
}

function SigninForm(props: { csrf: string; next: string; username?: string; error?: string }) {
  const { t } = useUi();
  return (
    <div class="panel signin">
      <h1>{t("signin.title")}</h1>
      {props.error !== undefined && <p class="flash bad" role="alert">{props.error}</p>}
      <form method="post" action="/signin">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <label>
          {t("signin.username")}
          <input
            name="username"
            autocomplete="username"
            required
            value={props.username ?? ""}
          />
        </label>
        <label>
          {t("signin.password")}
          <input type="password" name="password" autocomplete="current-password" required />
        </label>
        <button type="submit">{t("signin.submit")}</button>
      </form>
    </div>
  );
}

/** The sign-in, sign-out and preference routes. */
export function signinRoutes(deps: SigninDeps): Hono {
  const app = new Hono();
  const secure = (c: Parameters<typeof cookieSecure>[0]) =>
    cookieSecure(c, { secure: deps.secureCookies, trustProxy: deps.trustProxy });

  const showForm = (
    c: Parameters<typeof cookieSecure>[0],
    opts: { next: string; username?: string; error?: string; status?: 200 | 401 | 403 | 429 },
  ) => {
    // Reuse a token the browser already holds: a parallel request (a favicon) must not rotate it
    // under an open form.
    const held = getCookie(c, SIGNIN_CSRF_COOKIE);
    const csrf = held !== undefined && /^[\w-]{43}$/.test(held) ? held : randomToken();
    setCookie(c, SIGNIN_CSRF_COOKIE, csrf, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/signin",
      secure: secure(c),
      maxAge: 3600,
    });
    return renderPage(
      c,
      <SigninPage csrf={csrf} next={opts.next} username={opts.username} error={opts.error} />,
      opts.status ?? 200,
    );
  };

  app.get("/signin", async (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    if (id !== undefined && id.length <= 100) {
      const live = await withPostgres(
        deps.stores,
        (sql) => readSession(sql, id, { now: deps.now(), policy: deps.policy }),
      );
      if (live !== undefined) return c.redirect(safeNext(c.req.query("next")), 303);
    }
    return showForm(c, { next: safeNext(c.req.query("next")) });
  });

  app.post("/signin", async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => typeof form[name] === "string" ? form[name] as string : "";
    const next = safeNext(field("next"));
    const { t } = uiOf(c);
    if (!tokensEqual(field("_csrf"), getCookie(c, SIGNIN_CSRF_COOKIE))) {
      return showForm(c, { next, error: t("signin.expired"), status: 403 });
    }
    const outcome = await withPostgres(deps.stores, (sql) =>
      signIn(sql, {
        username: field("username"),
        password: field("password"),
        clientIp: clientIp(c, deps.trustProxy),
      }, { now: deps.now(), policy: deps.policy, cost: deps.passwordCost }));
    if (outcome.kind === "throttled") {
      c.header("Retry-After", String(outcome.retryAfterSeconds));
      return showForm(c, {
        next,
        username: field("username"),
        error: t("signin.throttled", { minutes: Math.ceil(outcome.retryAfterSeconds / 60) }),
        status: 429,
      });
    }
    if (outcome.kind === "invalid") {
      return showForm(c, {
        next,
        username: field("username"),
        error: t("signin.invalid"),
        status: 401,
      });
    }
    deleteCookie(c, SIGNIN_CSRF_COOKIE, { path: "/signin" });
    setCookie(c, SESSION_COOKIE, outcome.sessionId, {
      httpOnly: true,
      sameSite: "Lax",
      path: "/",
      secure: secure(c),
    });
    return c.redirect(next, 303);
  });

  // Behind the gate: a live session and its CSRF token are already checked.
  app.post("/signout", async (c) => {
    const staff = staffOf(c);
    const id = getCookie(c, SESSION_COOKIE);
    if (id !== undefined) {
      await withPostgres(deps.stores, (sql) => endSession(sql, id, staff.username));
    }
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: secure(c) });
    return c.redirect("/signin", 303);
  });

  // A preference, not a state change on the server, so a plain GET link works without a session.
  app.get("/lang", (c) => {
    const options = {
      path: "/",
      maxAge: 365 * 86_400,
      sameSite: "Lax" as const,
      secure: secure(c),
    };
    const locale = parseLocale(c.req.query("lang"));
    if (locale !== undefined) setCookie(c, LANG_COOKIE, locale, options);
    const zone = parseTimeZone(c.req.query("tz"));
    if (zone !== undefined) setCookie(c, TZ_COOKIE, zone, options);
    return c.redirect(safeNext(c.req.query("back")), 303);
  });
  return app;
}
