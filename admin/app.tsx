/**
 * The admin console as one Hono app: ops endpoints, optional basic auth, request metrics, the
 * page sub-apps, and the single `onError` that turns every failure into an HTML page (or JSON
 * when the client asks for it).
 */
import { type Context, Hono } from "hono";
import { basicAuth } from "hono/basic-auth";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import type { Logger } from "../shared/log.ts";
import type { Registry } from "../shared/metrics.ts";
import { opsRoutes } from "../shared/http/ops.ts";
import { createAdminMetrics } from "./metrics.ts";
import type { Stores } from "./adapters/stores.ts";
import { pingClickHouse } from "./adapters/ch_traffic.ts";
import { InputError, NotFoundError, StoreUnavailableError } from "./core/errors.ts";
import { ErrorPage } from "./components/error_page.tsx";
import { renderPage } from "./routes/deps.ts";
import { overviewRoutes } from "./routes/overview.tsx";
import { orderRoutes } from "./routes/orders.tsx";
import { userRoutes } from "./routes/users.tsx";
import { productRoutes } from "./routes/products.tsx";
import { campaignRoutes } from "./routes/campaigns.tsx";
import { eventRoutes } from "./routes/events.tsx";
import { staticRoutes } from "./routes/static.ts";

/** Options of {@link createApp}. */
export interface AppOptions {
  stores: Stores;
  registry: Registry;
  logger: Logger;
  /** The clock (default: the system clock). */
  now?: () => Date;
  /** Rows per list page (default 25). */
  pageSize?: number;
  /** Basic-auth credentials; every page but /healthz, /readyz, /metrics requires them. */
  auth?: { username: string; password: string };
  /** True while shutting down, so `/readyz` answers 503 (default: never). */
  isDraining?: () => boolean;
}

const OPS_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/** Builds the console; `main.ts` serves it, tests call `app.request()`. */
export function createApp(opts: AppOptions): Hono {
  const app = new Hono();
  const metrics = createAdminMetrics(opts.registry);
  const deps = {
    stores: opts.stores,
    now: opts.now ?? (() => new Date()),
    pageSize: opts.pageSize ?? 25,
  };

  app.use(async function measure(c, next) {
    const started = performance.now();
    await next();
    const route = routeLabel(c);
    metrics.requests.inc({ route, status: String(c.res.status) });
    metrics.duration.observe({ route }, (performance.now() - started) / 1000);
  });

  app.route(
    "/",
    opsRoutes({
      registry: opts.registry,
      isDraining: opts.isDraining,
      checks: [
        { name: "postgres", check: async () => void (await opts.stores.pg`SELECT 1`) },
        { name: "clickhouse", check: () => pingClickHouse(opts.stores.ch) },
      ],
    }),
  );

  if (opts.auth !== undefined) {
    const guard = basicAuth({ ...opts.auth, realm: "EventFlow Admin" });
    app.use(async function requireAuth(c, next) {
      if (OPS_PATHS.has(c.req.path)) return await next();
      return await guard(c, next);
    });
  }

  app.route("/static", staticRoutes());
  app.route("/", overviewRoutes(deps));
  app.route("/orders", orderRoutes(deps));
  app.route("/users", userRoutes(deps));
  app.route("/products", productRoutes(deps));
  app.route("/campaigns", campaignRoutes(deps));
  app.route("/events", eventRoutes(deps));

  app.notFound((c) =>
    respondError(c, 404, "Page not found", `There is no page at ${c.req.path}.`, "path")
  );
  app.onError((error, c) => {
    if (error instanceof InputError) {
      return respondError(c, 400, "Invalid request", error.message, error.field);
    }
    if (error instanceof NotFoundError) return respondError(c, 404, "Not found", error.message);
    if (error instanceof StoreUnavailableError) {
      opts.logger.warn("Store unavailable", {
        store: error.store,
        path: c.req.path,
        cause: String(error.cause),
      });
      c.header("Retry-After", "10");
      return respondError(
        c,
        503,
        `${error.store} is unavailable`,
        `${error.store} did not answer, so this page cannot be shown right now. ` +
          "The data is safe; try again in a moment.",
        undefined,
        error.store,
      );
    }
    if (error instanceof HTTPException) return error.getResponse();
    opts.logger.error("Page failed", {
      path: c.req.path,
      error: String(error),
      stack: error.stack,
    });
    return respondError(
      c,
      500,
      "Something went wrong",
      "The page failed to render; the error was logged.",
    );
  });
  return app;
}

function routeLabel(c: Context): string {
  const path = routePath(c, -1);
  // Unmatched paths end on the catch-all middleware; one label keeps scanners from adding series.
  return path === "" || path.endsWith("*") ? "unmatched" : path;
}

function wantsJson(c: Context): boolean {
  const accept = c.req.header("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}

function respondError(
  c: Context,
  status: 400 | 404 | 500 | 503,
  title: string,
  message: string,
  field?: string,
  store?: string,
) {
  if (wantsJson(c)) {
    return c.json({
      error: { status, title, message, ...(field && { field }), ...(store && { store }) },
    }, status);
  }
  return renderPage(c, <ErrorPage status={status} title={title} message={message} />, status);
}
