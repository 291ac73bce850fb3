/** The page frame: sidebar navigation, content area and attribution footer. */
import type { Child } from "hono/jsx";

/** Sidebar entries: path, label. */
export const NAV: ReadonlyArray<readonly [string, string]> = [
  ["/", "Overview"],
  ["/orders", "Orders"],
  ["/users", "Customers"],
  ["/products", "Products"],
  ["/campaigns", "Campaigns"],
  ["/events", "Live events"],
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
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.refreshSeconds !== undefined && (
          <meta http-equiv="refresh" content={String(props.refreshSeconds)} />
        )}
        <title>{`${props.title} · EventFlow Admin`}</title>
        <link rel="stylesheet" href="/static/admin.css" />
      </head>
      <body>
        <div class="shell">
          <aside class="sidebar">
            <div class="logo">
              Event<span>Flow</span> Admin
            </div>
            <nav>
              {NAV.map(([href, label]) => (
                <a href={href} class={props.active === href ? "active" : undefined}>{label}</a>
              ))}
            </nav>
          </aside>
          <div class="main">
            <main class="content">{props.children}</main>
            <footer>
              IP geolocation by <a href="https://db-ip.com">DB-IP</a> (https://db-ip.com), CC BY 4.0
              {" · "}All times UTC
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
