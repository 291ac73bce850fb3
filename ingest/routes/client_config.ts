/**
 * The configuration documents browser libraries fetch before they send anything, answered so that
 * they send to this ingest:
 * - analytics.js (`@segment/analytics-next`) loads `<cdn>/v1/projects/<writeKey>/settings`; its
 *   `Segment.io` integration names the API host events are posted to.
 * - RudderStack's JS SDK (`@rudderstack/analytics-js`) loads
 *   `<configUrl>/sourceConfig/?p=…&v=…&build=…&writeKey=…` (key also as Basic-auth user) and
 *   checks `source.id`, `source.config` and `source.destinations`.
 * A page that points the library's CDN / config URL and API host at ingest needs nothing else.
 */
import { type Context, Hono } from "hono";
import type { Source } from "../adapters/sources.ts";
import { IngestError } from "../core/errors.ts";
import { writeKeyFromHeaders } from "../core/write_key.ts";
import type { IngestDeps, IngestEnv } from "./deps.ts";
import { authenticate } from "./pipeline.ts";

/** How long browsers and CDNs may reuse a settings document (a revoked key still gets 403s). */
const CACHE_CONTROL = "public, max-age=300";

/** The origin events should go to: `publicUrl` when configured, else the request's own origin. */
function publicOrigin(c: Context<IngestEnv>, deps: IngestDeps): URL {
  return new URL(deps.publicUrl ?? new URL(c.req.url).origin);
}

/** Segment's CDN settings document for a source: events go to `<origin>/v1/<t|p|i|…>`. */
export function segmentSettings(source: Source, writeKey: string, origin: URL) {
  const apiHost = `${origin.host}${origin.pathname.replace(/\/+$/, "")}/v1`;
  return {
    integrations: {
      "Segment.io": {
        apiKey: writeKey,
        apiHost,
        protocol: origin.protocol.replace(":", ""),
        unbundledIntegrations: [],
        addBundledMetadata: true,
      },
    },
    plan: {
      track: { __default: { enabled: true, integrations: {} } },
      identify: { __default: { enabled: true } },
      group: { __default: { enabled: true } },
    },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    // Sample rate 0: analytics.js would otherwise post its own usage metrics to Segment.
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
    // Not Segment's: tells a reader which EventFlow source the key belongs to.
    eventflow: { sourceId: source.sourceId },
  };
}

/** RudderStack's source config for a source: no device-mode destinations, no error reporting. */
export function rudderSourceConfig(source: Source, writeKey: string) {
  return {
    isHosted: true,
    source: {
      id: source.sourceId,
      name: source.name,
      writeKey,
      enabled: true,
      workspaceId: "eventflow",
      deleted: false,
      config: {
        // Off: the SDK would otherwise send errors and metrics to RudderStack's own service.
        statsCollection: { errorReports: { enabled: false }, metrics: { enabled: false } },
      },
      destinations: [],
    },
  };
}

function requireKey(key: string | null | undefined, where: string): string {
  if (key === null || key === undefined || key.trim() === "") {
    throw new IngestError(401, "MISSING_WRITE_KEY", `No write key: send it ${where}`, {
      field: "writeKey",
    });
  }
  return key.trim();
}

/** The configuration routes, to mount at `/`. */
export function clientConfigRoutes(deps: IngestDeps): Hono<IngestEnv> {
  const app = new Hono<IngestEnv>();

  app.get("/v1/projects/:writeKey/settings", async (c) => {
    const writeKey = requireKey(c.req.param("writeKey"), "in the path");
    const source = await authenticate(deps, writeKey);
    c.header("Cache-Control", CACHE_CONTROL);
    return c.json(segmentSettings(source, writeKey, publicOrigin(c, deps)));
  });

  const sourceConfig = async (c: Context<IngestEnv>) => {
    const writeKey = requireKey(
      c.req.query("writeKey") ?? writeKeyFromHeaders(c.req.raw.headers),
      "as the writeKey query parameter or the Basic-auth user",
    );
    const source = await authenticate(deps, writeKey);
    c.header("Cache-Control", CACHE_CONTROL);
    return c.json(rudderSourceConfig(source, writeKey));
  };
  app.get("/sourceConfig", sourceConfig);
  app.get("/sourceConfig/", sourceConfig);
  return app;
}
