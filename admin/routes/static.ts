/** Serves `admin/static/` (the stylesheet); read once on first request, then from memory. */
import { Hono } from "hono";

const STATIC_DIR = new URL("../static/", import.meta.url);
const TYPES: Record<string, string> = { css: "text/css; charset=utf-8" };

/** A sub-app serving the console's static files by name. */
export function staticRoutes(): Hono {
  const app = new Hono();
  const cache = new Map<string, Promise<string>>();
  app.get("/:name{[a-z0-9_-]+\\.css}", async (c) => {
    const name = c.req.param("name");
    const type = TYPES[name.split(".").pop() ?? ""];
    if (type === undefined) return c.notFound();
    let body = cache.get(name);
    if (body === undefined) {
      body = Deno.readTextFile(new URL(name, STATIC_DIR));
      cache.set(name, body);
    }
    try {
      return c.body(await body, 200, {
        "content-type": type,
        "cache-control": "public, max-age=300",
      });
    } catch (error) {
      cache.delete(name);
      if (error instanceof Deno.errors.NotFound) return c.notFound();
      throw error;
    }
  });
  return app;
}
