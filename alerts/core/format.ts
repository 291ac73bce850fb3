/**
 * What an alert says: the webhook JSON body and the human chat message. Pure.
 */
import { canonicalEvent, type EnrichedEvent } from "../../shared/events/mod.ts";
import { fieldValue } from "./match.ts";
import type { Rule } from "./rules.ts";

/** Version of the webhook body contract. */
export const WEBHOOK_SCHEMA_VERSION = 1;

/** An alert: one rule fired for one event. */
export interface Alert {
  rule: Rule;
  event: EnrichedEvent;
}

/** `<event_id>:<rule_id>`: the same alert always has the same key, across redeliveries. */
export function alertId(alert: Alert): string {
  return `${alert.event.event_id}:${alert.rule.id}`;
}

/** The JSON body POSTed to a webhook. */
export function webhookBody(alert: Alert, now: Date): string {
  return JSON.stringify({
    schema_version: WEBHOOK_SCHEMA_VERSION,
    alert_id: alertId(alert),
    rule: { id: alert.rule.id, description: alert.rule.description },
    triggered_at: now.toISOString(),
    text: alertText(alert),
    event: alert.event,
  });
}

/** Keyed by canonical event (any alias gets its emoji), else by the event's own name. */
const EMOJI: Record<string, string> = {
  purchase: "💰",
  refund: "↩️",
  signup: "🎉",
  subscription_cancelled: "⚠️",
};

/** `1249` in USD → `$1,249.00`; unknown currency codes fall back to `1,249.00 XYZ`. */
export function formatMoney(amount: number, currency: string): string {
  try {
    // Intl puts a no-break space after codes like "RUB"; plain text reads the same everywhere.
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount)
      .replace(/\u00a0/g, " ");
  } catch {
    const n = new Intl.NumberFormat("en-US", {
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    return `${n.format(amount)} ${currency}`;
  }
}

/** `purchase` → `Purchase`, `order_completed` → `Order completed`. */
function title(name: string): string {
  const words = name.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The money of the event: base-currency amount when known, else the original amount. */
function money(event: EnrichedEvent): string | null {
  const r = event.revenue;
  if (!r) return null;
  return r.amount_base !== null
    ? formatMoney(r.amount_base, r.base_currency)
    : formatMoney(r.amount, r.currency);
}

function defaultText(event: EnrichedEvent): string {
  const who = event.user_id ?? event.anonymous_id ?? "an anonymous visitor";
  const about = [event.user.tier, event.geo.city].filter((v): v is string => !!v);
  const order = fieldValue(event.properties, "order_id");
  return [
    EMOJI[canonicalEvent(event.event) ?? event.event] ?? "🔔",
    title(event.event),
    money(event),
    `by ${who}`,
    about.length > 0 ? `(${about.join(", ")})` : null,
    typeof order === "string" || typeof order === "number" ? `— order ${order}` : null,
  ].filter((part) => part !== null).join(" ");
}

/** Fills `{dot.path}` placeholders from the event; `{money}` is the formatted revenue. */
export function renderTemplate(template: string, event: EnrichedEvent): string {
  return template.replace(/\{([\w.-]+)\}/g, (_, path: string) => {
    if (path === "money") return money(event) ?? "";
    const value = fieldValue(event, path);
    if (value === undefined || value === null) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

/** The human message of an alert, e.g. `💰 Purchase $1,249.00 by user_789 (premium, Moscow) — order 789`. */
export function alertText(alert: Alert): string {
  return alert.rule.message
    ? renderTemplate(alert.rule.message, alert.event)
    : defaultText(alert.event);
}
