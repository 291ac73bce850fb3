/** What every page route receives from the app, and the shared rendering helpers. */
import type { Context } from "hono";
import type { Stores } from "../adapters/stores.ts";
import type { QueryClient } from "../adapters/query_client.ts";
import type { JSX } from "hono/jsx/jsx-runtime";
import { jsx } from "hono/jsx";
import { UiContext, uiOf } from "../components/ui.ts";
import { parseText } from "../core/params.ts";

/** Dependencies of the page routes. */
export interface PageDeps {
  stores: Stores;
  /** The clock; injected so periods are testable. */
  now: () => Date;
  /** Rows per page on list pages. */
  pageSize: number;
  /** The query service (analytics). */
  query: QueryClient;
}

/** Renders a full HTML document (with doctype) from a JSX page. */
export async function renderPage(
  c: Context,
  page: JSX.Element,
  status: 200 | 400 | 401 | 403 | 404 | 429 | 500 | 503 = 200,
) {
  // Components read language, zone and session through UiContext while rendering.
  const tree = jsx(UiContext.Provider, { value: uiOf(c) }, page);
  return c.html(`<!DOCTYPE html>${await tree}`, status);
}

/** The query string without `page`, for pagers and tabs that keep the current filters. */
export function keptParams(c: Context, drop: string[] = ["page"]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(c.req.query())) {
    if (!drop.includes(key) && value !== "") kept[key] = value;
  }
  return kept;
}

/** The props of a list page's `Pager`: the request's language, the filters kept. */
export function pagerOf(c: Context, path: string, page: number, size: number, total: number) {
  return { ui: uiOf(c), path, page, size, total, params: keptParams(c) };
}

/** The `:id` of a detail page (an order, customer or product id): at most 200 characters. */
export function idParam(c: Context): string {
  return parseText("id", c.req.param("id"), { maxLength: 200 }) ?? "";
}
