/**
 * Alertmanager's webhook payload (version 4) → one notification per alert it carries. Pure.
 * https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */
import { z } from "zod";
import { WEBHOOK_SCHEMA_VERSION } from "./format.ts";
import type { Notification } from "./notification.ts";

const labels = z.record(z.string(), z.string());

/** The parts of the payload EventFlow reads; Alertmanager sends more, which is ignored. */
export const AlertmanagerPayloadSchema = z.object({
  version: z.literal("4"),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string(),
  externalURL: z.string().optional(),
  alerts: z.array(z.object({
    status: z.enum(["firing", "resolved"]),
    labels: labels.refine((l) => typeof l.alertname === "string", "must have an alertname"),
    annotations: labels.default({}),
    startsAt: z.string(),
    endsAt: z.string().optional(),
    fingerprint: z.string().min(1),
  })).min(1).max(1000),
});

/** A parsed Alertmanager payload. */
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayloadSchema>;

const MARK = { firing: "🔥", resolved: "✅" } as const;
/** Labels every alert carries that say nothing about what broke. */
const NOISE = new Set(["alertname", "severity"]);

/** `🔥 FIRING EventFlowSinkStoreDown [critical] store=postgres: Sink cannot write to postgres`. */
export function opsText(alert: AlertmanagerPayload["alerts"][number]): string {
  const where = Object.entries(alert.labels).filter(([k]) => !NOISE.has(k))
    .sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(" ");
  const severity = alert.labels.severity ? ` [${alert.labels.severity}]` : "";
  const summary = alert.annotations.summary ?? alert.annotations.description ?? "";
  return [
    `${MARK[alert.status]} ${alert.status.toUpperCase()} ${alert.labels.alertname}${severity}`,
    where === "" ? "" : ` ${where}`,
    summary === "" ? "" : `: ${summary}`,
    alert.annotations.runbook ? ` (runbook: ${alert.annotations.runbook})` : "",
  ].join("");
}

/** One notification per alert; the id changes with status and start, so a resolve is new. */
export function opsNotifications(payload: AlertmanagerPayload, now: Date): Notification[] {
  return payload.alerts.map((alert) => {
    const id = `ops:${alert.fingerprint}:${alert.status}:${alert.startsAt}`;
    return {
      id,
      rule: alert.labels.alertname!,
      text: opsText(alert),
      body: JSON.stringify({
        schema_version: WEBHOOK_SCHEMA_VERSION,
        kind: "ops",
        alert_id: id,
        status: alert.status,
        name: alert.labels.alertname,
        labels: alert.labels,
        annotations: alert.annotations,
        starts_at: alert.startsAt,
        ends_at: alert.endsAt ?? null,
        triggered_at: now.toISOString(),
        text: opsText(alert),
      }),
    };
  });
}
