/** Helpers for asserting on pages rendered by `app.request()`. */
import type { Hono } from "hono";

/** A fetched page: status, body and content type. */
export interface Page {
  status: number;
  type: string;
  html: string;
}

/** GETs `path` from the app in-process. */
export async function get(
  app: Hono,
  path: string,
  headers: Record<string, string> = {},
): Promise<Page> {
  const response = await app.request(path, { headers });
  return {
    status: response.status,
    type: response.headers.get("content-type") ?? "",
    html: await response.text(),
  };
}

/** The text of the KPI card `id` (`data-kpi="revenue"` → `150.00 USD`). */
export function kpi(html: string, id: string): string | undefined {
  const match = new RegExp(`data-kpi="${id}"[^]*?class="value">([^<]*)<`).exec(html);
  return match?.[1];
}

/** The `<table id=…>` element's body rows as arrays of cell texts (tags stripped). */
export function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}">([^]*?)</table>`).exec(html)?.[1];
  if (table === undefined) throw new Error(`No table with id "${id}" on the page`);
  const body = /<tbody>([^]*?)<\/tbody>/.exec(table)?.[1] ?? "";
  return [...body.matchAll(/<tr>([^]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>([^]*?)<\/td>/g)].map((cell) =>
      cell[1]!.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim()
    )
  );
}
