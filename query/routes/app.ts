/**
 * The query HTTP app: bearer-token auth on /api/v1, the questions, spend, the OpenAPI document
 * and reference page, ops endpoints, and the one place errors become JSON answers.
 */
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { opsRoutes, registerDependencyGauge, runChecks } from "../../shared/http/ops.ts";
import { ApiError } from "../core/errors.ts";
import type { QueryDeps, QueryEnv } from "./deps.ts";
import { docsPage, openApiDocument } from "./openapi.ts";
import { questionRoutes } from "./questions.ts";
import { spendRoutes } from "./spend.ts";
import { userRoutes } from "./users.ts";

const OPS_PATHS = new Set(["/metrics", "/healthz", "/readyz"]);

/** Builds the whole query app from its dependencies. */
export function createApp(deps: QueryDeps): Hono<QueryEnv> {
  const app = new Hono<QueryEnv>();
  const { metrics } = deps;

  app.use("*", async function requestMetrics(c, next) {
    if (OPS_PATHS.has(c.req.path)) return next();
    const started = performance.now();
    await next();
    const route = c.req.routePath === "/*" ? "unmatched" : c.req.routePath;
    metrics.requests.inc({ route, status: String(c.res.status) });
    metrics.requestDuration.observe({ route }, (performance.now() - started) / 1000);
  });

  app.use("/api/v1/*", async function bearerAuth(c, next) {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match === null) {
      throw new ApiError(
        401,
        "MISSING_TOKEN",
        "Send an API token as `Authorization: Bearer <token>`; create one with query/cli/tokens.ts",
        { field: "Authorization" },
      );
    }
    const tokenId = await deps.verifyToken(match[1]!);
    if (tokenId === null) {
      throw new ApiError(401, "INVALID_TOKEN", "The API token is unknown or revoked", {
        field: "Authorization",
      });
    }
    c.set("tokenId", tokenId);
    await next();
  });

  app.route("/api/v1", questionRoutes(deps));
  app.route("/api/v1", userRoutes(deps));
  app.route("/api/v1", spendRoutes(deps));

  const doc = openApiDocument();
  const page = docsPage(doc);
  app.get("/api/openapi.json", (c) => c.json(doc));
  app.get("/api/docs", (c) => c.html(page));

  // /readyz: ClickHouse and PostgreSQL are required; Redis is only reported, because without
  // it the service still answers (uncached).
  app.get("/readyz", async (c) => {
    if (deps.isDraining()) return c.json({ status: "draining", checks: {} }, 503);
    const results = await runChecks(deps.checks, 2000);
    const ready = Object.values(results).every((r) => r.ok);
    const cache = deps.cache.status();
    return c.json({
      status: ready ? "ready" : "not ready",
      checks: results,
      cache: cache.ok ? { ok: true, redis: "up" } : {
        ok: false,
        redis: "down",
        detail: `answers are computed uncached: ${cache.error}`,
      },
    }, ready ? 200 : 503);
  });
  app.route("/", opsRoutes({ registry: deps.registry, isDraining: deps.isDraining }));
  registerDependencyGauge(deps.registry, [...deps.checks, {
    name: "redis",
    check: () => {
      const cache = deps.cache.status();
      return cache.ok ? Promise.resolve() : Promise.reject(new Error(cache.error));
    },
  }], 2000);

  app.notFound((c) =>
    c.json({
      error: {
        code: "NOT_FOUND",
        message: `No route for ${c.req.method} ${c.req.path}; see /api/docs`,
      },
    }, 404)
  );

  app.onError((error, c) => {
    if (error instanceof ApiError) {
      if (error.status >= 500) {
        deps.logger.warn("Question failed", {
          path: c.req.path,
          code: error.code,
          error: error.message,
        });
      }
      // 499: the client went away; nobody reads this answer.
      return c.json(
        { error: { code: error.code, message: error.message, field: error.field } },
        error.status as ContentfulStatusCode,
      );
    }
    if (c.req.raw.signal.aborted) {
      return c.json(
        { error: { code: "CLIENT_CLOSED", message: "The client went away" } },
        499 as ContentfulStatusCode,
      );
    }
    deps.logger.error("Unhandled error", { path: c.req.path, error: String(error) });
    return c.json({ error: { code: "INTERNAL", message: "Internal error" } }, 500);
  });
  return app;
}
