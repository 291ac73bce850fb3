/**
 * A small page server and page watchers for the browser compatibility tests: pages and library
 * files from node_modules on their own origin, so every call to ingest is a real cross-origin
 * request.
 */
import type { Page } from "playwright-core";

const REPO = new URL("../../", import.meta.url);

/** A file under node_modules, e.g. `@segment/analytics-next/dist/umd/standalone.js`. */
export function nodeModule(path: string): URL {
  return new URL(`node_modules/${path}`, REPO);
}

/** Routes of a page server: path → HTML text, or a file to send as JavaScript. */
export type PageRoutes = Record<string, string | URL>;

/** Serves `routes` on 127.0.0.1 at a free port; `await using` stops it. */
export function servePages(
  routes: PageRoutes | ((path: string) => string | URL | undefined),
): { url: string } & AsyncDisposable {
  const lookup = typeof routes === "function" ? routes : (path: string) => routes[path];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const found = lookup(new URL(req.url).pathname);
    if (found === undefined) return new Response("not found", { status: 404 });
    if (typeof found === "string") {
      return new Response(found, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    return new Response(await Deno.readFile(found), {
      headers: { "content-type": "text/javascript; charset=utf-8" },
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** Every request the page made that failed or was answered ≥ 400, as "METHOD url → status". */
export function watchFailures(page: Page): string[] {
  const failures: string[] = [];
  page.on("requestfailed", (request) => {
    failures.push(`${request.method()} ${request.url()} → ${request.failure()?.errorText}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) {
      failures.push(`${response.request().method()} ${response.url()} → ${response.status()}`);
    }
  });
  return failures;
}

/** The page's console messages and uncaught errors (for failure messages). */
export function watchConsole(page: Page): string[] {
  const lines: string[] = [];
  page.on("console", (message) => lines.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => lines.push(`pageerror: ${error.message}`));
  return lines;
}

/** Every request the page made, as "METHOD url" (for failure messages and endpoint checks). */
export function watchRequests(page: Page): string[] {
  const requests: string[] = [];
  page.on("request", (request) => requests.push(`${request.method()} ${request.url()}`));
  return requests;
}
