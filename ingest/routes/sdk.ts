/**
 * `GET /sdk/eventflow.js`: the first-party web tracker (`ingest/sdk/eventflow.js`), served as
 * written (plain ES2017, no build step), gzip-compressed for clients that accept it.
 */
import { Hono } from "hono";
import type { IngestEnv } from "./deps.ts";

const TRACKER = new URL("../sdk/eventflow.js", import.meta.url);

/** The tracker's source, and its gzip form, read once per process. */
interface Asset {
  text: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  etag: string;
}

async function loadAsset(): Promise<Asset> {
  const text = await Deno.readFile(TRACKER);
  const gzip = new Uint8Array(
    await new Response(
      new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  const digest = await crypto.subtle.digest("SHA-256", text);
  const etag = `"${
    Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("")
  }"`;
  return { text, gzip, etag };
}

/** The SDK routes, to mount under `/sdk`. */
export function sdkRoutes(): Hono<IngestEnv> {
  const app = new Hono<IngestEnv>();
  let asset: Promise<Asset> | null = null;
  app.get("/eventflow.js", async (c) => {
    asset ??= loadAsset();
    const { text, gzip, etag } = await asset;
    c.header("Content-Type", "text/javascript; charset=utf-8");
    // An hour: pages pick up a new tracker soon after a deploy; the ETag makes the check cheap.
    c.header("Cache-Control", "public, max-age=3600");
    c.header("ETag", etag);
    c.header("Vary", "Accept-Encoding", { append: true });
    if (c.req.header("if-none-match") === etag) return c.body(null, 304);
    if (/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
      c.header("Content-Encoding", "gzip");
      return c.body(gzip);
    }
    return c.body(text);
  });
  return app;
}
