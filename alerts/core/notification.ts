/**
 * What a destination delivers: an event alert (a rule fired for an event) or an operations alert
 * (Alertmanager relaying a Prometheus rule). Pure.
 */
import { type Alert, alertId, alertText, webhookBody } from "./format.ts";

/** One message for every destination kind: a webhook gets `body`, a chat gets `text`. */
export interface Notification {
  /** Stable across redeliveries: receivers use it as the idempotency key. */
  id: string;
  /** The rule (event rule id or Prometheus alert name), for headers and logs. */
  rule: string;
  /** The human message. */
  text: string;
  /** The webhook JSON body. */
  body: string;
}

/** The notification of an event alert, stamped `now`. */
export function eventNotification(alert: Alert, now: Date): Notification {
  return {
    id: alertId(alert),
    rule: alert.rule.id,
    text: alertText(alert),
    body: webhookBody(alert, now),
  };
}
