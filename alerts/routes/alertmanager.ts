/**
 * `POST /api/v1/alertmanager`: Alertmanager's webhook receiver. Each alert it relays goes to the
 * configured destinations as an operations notification, signed and retried like event alerts.
 */
import { Hono } from "hono";
import { timingSafeEqual } from "node:crypto";
import type { Counter } from "prom-client";
import { AlertmanagerPayloadSchema, opsNotifications } from "../core/alertmanager.ts";
import type { Destination } from "../adapters/destination.ts";
import { deliveryOutcome } from "../adapters/http_delivery.ts";

/** Options of {@link alertmanagerRoutes}. */
export interface AlertmanagerRouteOptions {
  /** Bearer token Alertmanager sends (`http_config.authorization.credentials`). */
  token: string;
  /** Where operations alerts go, e.g. every configured webhook and chat. */
  destinations: Destination[];
  /** `eventflow_alerts_delivered_total{destination,outcome}`. */
  delivered: Counter<"destination" | "outcome">;
  now?: () => Date;
}

function sameToken(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The receiver as a Hono sub-app. */
export function alertmanagerRoutes(opts: AlertmanagerRouteOptions): Hono {
  if (opts.token.length < 16) {
    throw new Error("The Alertmanager receiver token must be at least 16 characters");
  }
  const now = opts.now ?? (() => new Date());
  const app = new Hono();
  app.post("/api/v1/alertmanager", async (c) => {
    const auth = c.req.header("authorization") ?? "";
    const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    if (!sameToken(token, opts.token)) {
      return c.json({
        error: {
          code: "UNAUTHORIZED",
          message: "Send the receiver token as Authorization: Bearer <token>",
          field: "authorization",
        },
      }, 401);
    }
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      return c.json({
        error: { code: "INVALID_JSON", message: "The body is not JSON", field: "body" },
      }, 400);
    }
    const parsed = AlertmanagerPayloadSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join(".") || "body";
      return c.json({
        error: {
          code: "INVALID_PAYLOAD",
          message: `Field "${field}" ${issue.message.toLowerCase()}`,
          field,
        },
      }, 400);
    }
    const notifications = opsNotifications(parsed.data, now());
    const results = await Promise.all(
      notifications.flatMap((n) =>
        opts.destinations.map(async (destination) => {
          const result = await destination.notify(n);
          opts.delivered.inc({ destination: destination.id, outcome: deliveryOutcome(result) });
          return { destination: destination.id, id: n.id, ...result };
        })
      ),
    );
    const failed = results.filter((r) => !r.ok);
    // A 5xx makes Alertmanager retry the whole group later; receivers dedup by idempotency key.
    return c.json({
      delivered: results.length - failed.length,
      failed: failed.map((f) => ({ destination: f.destination, alert_id: f.id })),
    }, failed.length === 0 ? 200 : 502);
  });
  return app;
}
