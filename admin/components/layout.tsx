/** The page frame: sidebar navigation by role, session box, language and zone switch, footer. */
import type { Child } from "hono/jsx";
import { type Role, roleAtLeast } from "../adapters/pg_access.ts";
import type { MessageKey } from "../i18n/mod.ts";
import { LOCALES, TIME_ZONES } from "../i18n/mod.ts";
import { useUi } from "./ui.ts";

/** Sidebar entries: path, label key, the weakest role that sees it. */
export const NAV: ReadonlyArray<readonly [string, MessageKey, Role]> = [
  ["/", "nav.overview", "viewer"],
  ["/analytics", "nav.analytics", "viewer"],
  ["/orders", "nav.orders", "viewer"],
  ["/signups", "nav.signups", "viewer"],
  ["/users", "nav.users", "viewer"],
  ["/products", "nav.products", "viewer"],
  ["/campaigns", "nav.campaigns", "viewer"],
  ["/events", "nav.events", "viewer"],
  ["/monitoring", "nav.monitoring", "viewer"],
  ["/dead-letters", "nav.dead_letters", "admin"],
  ["/data/campaigns", "nav.data", "admin"],
  ["/staff", "nav.staff", "admin"],
  ["/audit", "nav.audit", "admin"],
];

/** Props of {@link Layout}. */
export interface LayoutProps {
  title: string;
  /** Path of the active sidebar entry. */
  active: string;
  /** Reload the page every this many seconds (live events). */
  refreshSeconds?: number;
  children?: Child;
}

/** Wraps a page's content in the console's frame. */
export function Layout(props: LayoutProps) {
  const ui = useUi();
  const { t, staff } = ui;
  const visible = NAV.filter(([, , role]) => staff !== undefined && roleAtLeast(staff.role, role));
  return (
    <html lang={ui.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.refreshSeconds !== undefined && (
          <meta http-equiv="refresh" content={String(props.refreshSeconds)} />
        )}
        <title>{`${props.title} · ${t("app.name")}`}</title>
        <link rel="stylesheet" href="/static/admin.css" />
      </head>
      <body>
        <div class="shell">
          <aside class="sidebar">
            <div class="logo">
              Event<span>Flow</span> Admin
            </div>
            {visible.length > 0 && (
              <nav aria-label="main">
                {visible.map(([href, key]) => (
                  <a href={href} class={props.active === href ? "active" : undefined}>{t(key)}</a>
                ))}
              </nav>
            )}
            {staff !== undefined && (
              <form class="session" method="post" action="/signout">
                <div class="who">
                  {t("session.signed_in_as", {
                    user: staff.username,
                    role: t(`role.${staff.role}`),
                  })}
                </div>
                <input type="hidden" name="_csrf" value={staff.csrf_token} />
                <button type="submit" class="secondary">{t("session.sign_out")}</button>
              </form>
            )}
            <form class="prefs" method="get" action="/lang">
              <input type="hidden" name="back" value={ui.here} />
              <label>
                {t("settings.language")}
                <select name="lang">
                  {LOCALES.map((l) => (
                    <option value={l} selected={l === ui.locale}>
                      {l === "ru" ? "Русский" : "English"}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t("settings.timezone")}
                <select name="tz">
                  {[...new Set([ui.timeZone, ...TIME_ZONES])].map((z) => (
                    <option value={z} selected={z === ui.timeZone}>{z}</option>
                  ))}
                </select>
              </label>
              <button type="submit" class="secondary">{t("settings.apply")}</button>
            </form>
          </aside>
          <div class="main">
            <main class="content">{props.children}</main>
            <footer>
              {t("app.footer.geo")} <a href="https://db-ip.com">DB-IP</a>{" "}
              (https://db-ip.com), CC BY 4.0{" · "}
              {t("app.footer.times", { tz: ui.timeZone })}
            </footer>
          </div>
        </div>
      </body>
    </html>
  );
}

/** A page title with an optional subtitle and controls on the right. */
export function PageHead(props: { title: string; sub?: Child; children?: Child }) {
  return (
    <div class="page-head">
      <div>
        <h1>{props.title}</h1>
        {props.sub !== undefined && <div class="sub">{props.sub}</div>}
      </div>
      {props.children !== undefined && <div>{props.children}</div>}
    </div>
  );
}

/**
 * The hidden CSRF field every state-changing form carries. The token is a prop, not read from
 * the UI context: precompiled JSX renders nested components while the route builds the tree,
 * before `renderPage` provides the context.
 */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}
