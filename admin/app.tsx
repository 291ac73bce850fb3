/**
 * The admin console as one Hono app: ops endpoints, the session gate (sign-in, CSRF, roles),
 * request metrics, the page sub-apps, and the single `onError` that turns every failure into an
 * HTML page (or JSON when the client asks for it), in the visitor's language.
 */
import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { routePath } from "hono/route";
import type { Logger } from "../shared/log.ts";
import type { Registry } from "../shared/metrics.ts";
import { opsRoutes } from "../shared/http/ops.ts";
import { createAdminMetrics } from "./metrics.ts";
import type { Stores } from "./adapters/stores.ts";
import { createQueryClient, type QueryClient } from "./adapters/query_client.ts";
import type { DeadLetterPort } from "./adapters/dead_letters.ts";
import { deadLetterRoutes } from "./routes/dead_letters.tsx";
import { pingClickHouse } from "./adapters/ch_traffic.ts";
import { ForbiddenError, InputError, NotFoundError, StoreUnavailableError } from "./core/errors.ts";
import { requireSession } from "./access/middleware.ts";
import { resolveSessionPolicy, type SessionPolicy } from "./access/sessions.ts";
import type { ScryptCost } from "./access/password.ts";
import { uiDefaults, uiOf } from "./components/ui.ts";
import type { Locale } from "./i18n/mod.ts";
import { signinRoutes } from "./routes/signin.tsx";
import { auditRoutes, staffRoutes } from "./routes/staff.tsx";
import { dataRoutes } from "./routes/data.tsx";
import { monitoringRoutes } from "./routes/monitoring.tsx";
import { ErrorPage } from "./components/error_page.tsx";
import { renderPage } from "./routes/deps.ts";
import { overviewRoutes } from "./routes/overview.tsx";
import { orderRoutes, purchaseExportRoutes } from "./routes/orders.tsx";
import { signupExportRoutes, signupRoutes } from "./routes/signups.tsx";
import { userRoutes } from "./routes/users.tsx";
import { productRoutes } from "./routes/products.tsx";
import { campaignRoutes } from "./routes/campaigns.tsx";
import { campaignDetailRoutes } from "./routes/campaign_detail.tsx";
import { analyticsRoutes } from "./routes/analytics.tsx";
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
  /** Session expiry and sign-in throttling (defaults in {@link SessionPolicy}). */
  sessionPolicy?: SessionPolicy;
  /** Force the Secure cookie flag (default: set when the request came over https). */
  secureCookies?: boolean;
  /** Trust X-Forwarded-For/-Proto from a reverse proxy (default false). */
  trustProxy?: boolean;
  /** scrypt cost of password hashes made in the console (default: password.ts DEFAULT_COST). */
  passwordCost?: ScryptCost;
  /** Prometheus HTTP API for the monitoring page (default http://127.0.0.1:9090). */
  prometheusUrl?: string;
  /** Browser-facing Grafana URL; the monitoring page embeds its dashboards when set. */
  grafanaUrl?: string;
  /** Language and time zone for visitors who chose none (default en, UTC). */
  defaultLocale?: Locale;
  defaultTimeZone?: string;
  /** The query service client (default: none configured, analytics say so). */
  query?: QueryClient;
  /** The dead-letter topic (default: none, the page answers 503 naming Kafka). */
  deadLetters?: DeadLetterPort;
  /** True while shutting down, so `/readyz` answers 503 (default: never). */
  isDraining?: () => boolean;
}

/** Builds the console; `main.ts` serves it, tests call `app.request()`. */
export function createApp(opts: AppOptions): Hono {
  const app = new Hono();
  const metrics = createAdminMetrics(opts.registry);
  const deps = {
    stores: opts.stores,
    now: opts.now ?? (() => new Date()),
    pageSize: opts.pageSize ?? 25,
    query: opts.query ?? createQueryClient({ url: undefined, token: undefined }),
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

  const policy = resolveSessionPolicy(opts.sessionPolicy);
  app.use(uiDefaults({
    locale: opts.defaultLocale ?? "en",
    timeZone: opts.defaultTimeZone ?? "UTC",
  }));
  app.use(requireSession({ stores: opts.stores, policy, now: deps.now }));

  app.route("/static", staticRoutes());
  app.route(
    "/",
    signinRoutes({
      stores: opts.stores,
      now: deps.now,
      policy,
      secureCookies: opts.secureCookies,
      trustProxy: opts.trustProxy ?? false,
      passwordCost: opts.passwordCost,
    }),
  );
  app.route("/staff", staffRoutes({ ...deps, passwordCost: opts.passwordCost }));
  app.route("/audit", auditRoutes(deps));
  app.route("/data", dataRoutes(deps));
  app.route(
    "/dead-letters",
    deadLetterRoutes({ ...deps, deadLetters: opts.deadLetters ?? unconfiguredDeadLetters() }),
  );
  app.route(
    "/monitoring",
    monitoringRoutes({
      ...deps,
      prometheusUrl: opts.prometheusUrl ?? "http://127.0.0.1:9090",
      grafanaUrl: opts.grafanaUrl,
    }),
  );
  app.route("/", overviewRoutes(deps));
  app.route("/orders", orderRoutes(deps));
  app.route("/export", purchaseExportRoutes(deps));
  app.route("/signups", signupRoutes(deps));
  app.route("/export", signupExportRoutes(deps));
  app.route("/users", userRoutes(deps));
  app.route("/products", productRoutes(deps));
  app.route("/campaigns", campaignRoutes(deps));
  app.route("/campaigns", campaignDetailRoutes(deps));
  app.route("/analytics", analyticsRoutes(deps));
  app.route("/events", eventRoutes(deps));

  app.notFound((c) => {
    const { t } = uiOf(c);
    return respondError(
      c,
      404,
      t("error.not_found.title"),
      t("error.not_found.message", { path: c.req.path }),
      "path",
    );
  });
  app.onError((error, c) => {
    const { t } = uiOf(c);
    if (error instanceof InputError) {
      return respondError(c, 400, t("error.invalid.title"), error.message, error.field);
    }
    if (error instanceof NotFoundError) {
      return respondError(c, 404, t("error.not_found_id.title"), error.message);
    }
    if (error instanceof ForbiddenError) {
      return respondError(c, 403, t("error.forbidden.title"), error.message, error.reason);
    }
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
        t("error.store.title", { store: error.store }),
        t("error.store.message", { store: error.store }),
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
    return respondError(c, 500, t("error.bug.title"), t("error.bug.message"));
  });
  return app;
}

function unconfiguredDeadLetters(): DeadLetterPort {
  const fail = () =>
    Promise.reject(
      new StoreUnavailableError("Kafka", { cause: new Error("no dead-letter topic configured") }),
    );
  return { list: fail, replay: fail };
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
  status: 400 | 403 | 404 | 500 | 503,
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
