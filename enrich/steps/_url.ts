/**
 * Reading page URLs as apps send them: absolute (`https://shop.io/p?x=1`) or, as mobile apps and
 * the product brief's own example do, a bare path (`/products/123?utm_campaign=spring`).
 */

// A base for paths only; `.invalid` can never be a real host, so it is never mistaken for one.
const PATH_BASE = "https://path-only.invalid";

/** A parsed URL and whether it was a bare path. */
export interface PageUrl {
  url: URL;
  relative: boolean;
}

/** Parses an absolute URL or a path starting with `/`; null for anything else. */
export function parsePageUrl(value: unknown): PageUrl | null {
  if (typeof value !== "string" || value === "") return null;
  try {
    return { url: new URL(value), relative: false };
  } catch {
    if (!value.startsWith("/") || value.startsWith("//")) return null;
    try {
      return { url: new URL(value, PATH_BASE), relative: true };
    } catch {
      return null;
    }
  }
}

/** Writes a parsed URL back in the form it came in: a path stays a path. */
export function formatPageUrl(page: PageUrl): string {
  return page.relative ? page.url.pathname + page.url.search + page.url.hash : page.url.toString();
}
