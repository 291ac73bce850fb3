/**
 * The ingest HTTP app: CORS, request metrics, the two APIs, status-only `/healthz` and `/readyz`
 * (metrics and check details are on the ops port, see main.ts), and the one place errors become
 * `{ error: { code, message, field } }` responses.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { statusRoutes } from "../../shared/http/ops.ts";
import { IngestError } from "../core/errors.ts";
import { createKeyHasher } from "../core/write_key.ts";
import { createDeadlines } from "../adapters/deadlines.ts";
import type { IngestDeps, IngestEnv } from "./deps.ts";
import { admitIp } from "./pipeline.ts";
import { clientConfigRoutes } from "./client_config.ts";
import { eventflowRoutes } from "./eventflow.ts";
import { sdkRoutes } from "./sdk.ts";
import { beaconRoutes, segmentRoutes } from "./segment.ts";

const OPS_PATHS = new Set(["/metrics", "/healthz", "/readyz"]);

/** Builds the whole ingest app from its dependencies. */
export function createApp(appDeps: IngestDeps): Hono<IngestEnv> {
  // Hashing each request's key costs more than the rest of authentication; memoize it per app.
  const deps: IngestDeps = {
    ...appDeps,
    hashKey: appDeps.hashKey ?? createKeyHasher(),
    // One timer for every body read (deadlines.ts), not one per request.
    bodyDeadlines: appDeps.bodyDeadlines ?? createDeadlines(appDeps.limits.bodyTimeoutMs),
  };
  const app = new Hono<IngestEnv>();
  const { metrics } = deps;
  let inflight = 0;

  app.use("*", async (c, next) => {
    if (OPS_PATHS.has(c.req.path)) return next();
    inflight++;
    metrics.inflight.inc();
    const started = performance.now();
    try {
      await next();
    } finally {
      inflight--;
      metrics.inflight.dec();
      // routePath keeps label cardinality bounded (unknown paths all count as "*").
      const route = c.req.routePath === "/*" ? "unmatched" : c.req.routePath;
      metrics.requests.inc({ route, status: String(c.res.status) });
      metrics.requestDuration.observe({ route }, (performance.now() - started) / 1000);
    }
  });

  const allowAll = deps.corsOrigins.includes("*");
  const preflight = cors({
    origin: allowAll ? "*" : deps.corsOrigins,
    allowMethods: ["GET", "POST", "OPTIONS"],
    // No list: the preflight allows the headers it is asked for. Client libraries add their own
    // (analytics.js X-Retry-Count; RudderStack AnonymousId, SentAt, Rsa-Retry-Attempt, …) and a
    // new one in a library update must not make every browser event fail. Safe because ingest
    // never uses cookies or sends Allow-Credentials: a page can only send what it could anyway.
    allowHeaders: [],
    exposeHeaders: ["Retry-After"],
    maxAge: 86400,
  });
  const allowedOrigin = (origin: string | undefined) =>
    allowAll ? "*" : origin !== undefined && deps.corsOrigins.includes(origin) ? origin : null;
  app.use("*", async function corsHeaders(c, next) {
    if (c.req.method === "OPTIONS") return preflight(c, next);
    // The headers hono/cors adds to actual requests, set as prepared headers: hono/cors sets them
    // on `c.res`, which builds a throwaway Response whose headers are then copied into the real
    // one (~6 % of ingest's CPU per event).
    const origin = allowedOrigin(c.req.header("origin"));
    if (origin !== null) c.header("Access-Control-Allow-Origin", origin);
    c.header("Access-Control-Expose-Headers", "Retry-After");
    await next();
    // Handlers that return a Response they built themselves bypass the prepared headers.
    if (origin !== null && !c.res.headers.has("Access-Control-Allow-Origin")) {
      c.header("Access-Control-Allow-Origin", origin);
      c.header("Access-Control-Expose-Headers", "Retry-After");
    }
    if (!allowAll) c.header("Vary", "Origin", { append: true });
  });

  // After CORS, so a browser can read the 503; before anything is read, so a flood of slow
  // requests cannot queue up without bound (#13, 12).
  app.use("*", async function capInflight(c, next) {
    if (inflight <= deps.limits.maxInflightRequests || OPS_PATHS.has(c.req.path)) {
      await next();
      return;
    }
    metrics.overloaded.inc({ reason: "inflight" });
    c.header("Retry-After", "1");
    return c.json({
      error: {
        code: "INGEST_OVERLOADED",
        message: `Ingest is overloaded: ${
          inflight - 1
        } requests are in progress (INGEST_MAX_INFLIGHT_REQUESTS); retry later`,
      },
    }, 503);
  });

  // The per-IP limit runs before any route reads a key or a body (#13, 11).
  app.use("*", async function limitIp(c, next) {
    if (c.req.method === "POST") admitIp(c, deps);
    await next();
  });

  app.route("/api/v1", eventflowRoutes(deps));
  app.route("/v1", segmentRoutes(deps));
  app.route("/beacon", beaconRoutes(deps));
  app.route("/", clientConfigRoutes(deps));
  app.route("/sdk", sdkRoutes());
  app.route("/", statusRoutes({ checks: deps.checks, isDraining: deps.isDraining }));

  app.notFound((c) =>
    c.json(
      {
        error: {
          code: "NOT_FOUND",
          message:
            `No route for ${c.req.method} ${c.req.path}; see POST /api/v1/event, /api/v1/events, /v1/{track,identify,page,screen,group,alias,batch} (docs/ingest.md)`,
        },
      },
      404,
    )
  );

  app.onError((error, c) => {
    if (error instanceof IngestError) {
      if (
        error.status < 500 && error.status !== 429 && error.status !== 401 && error.status !== 403
      ) {
        metrics.validationFailures.inc({ reason: error.code });
      }
      if (error.retryAfter !== undefined) c.header("Retry-After", String(error.retryAfter));
      // A client too slow to send its body does not get to keep the connection.
      if (error.status === 408) c.header("Connection", "close");
      if (error.status >= 500) {
        deps.logger.warn(error.message, { code: error.code, cause: String(error.cause) });
      }
      return c.json(error.toBody(), error.status as 400);
    }
    deps.logger.error("Unhandled error in ingest", {
      error: String(error),
      stack: (error as Error).stack,
    });
    return c.json({
      error: { code: "INTERNAL", message: "Internal error; the request was not stored" },
    }, 500);
  });

  return app;
}
