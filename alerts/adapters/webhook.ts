/**
 * Generic webhook destination: POSTs the alert as signed JSON.
 */
import type { Alert } from "../core/format.ts";
import { eventNotification, type Notification } from "../core/notification.ts";
import { signatureHeaders } from "../core/signature.ts";
import type { Destination } from "./destination.ts";
import { deliverHttp, type DeliveryOptions } from "./http_delivery.ts";

/** Options of {@link createWebhookDestination}. */
export interface WebhookOptions {
  url: string;
  /** HMAC-SHA256 key of the `X-EventFlow-Signature` header (over `<timestamp>.<body>`). */
  secret: string;
  delivery?: DeliveryOptions;
}

/** A `webhook:<name>` destination. */
export function createWebhookDestination(name: string, opts: WebhookOptions): Destination {
  const id = `webhook:${name}`;
  const now = opts.delivery?.now ?? (() => new Date());
  const notify = async (notification: Notification) => {
    // One body for every attempt: the receiver sees byte-identical retries. The signature is
    // made per attempt with that attempt's time, so a retry minutes later is still fresh to a
    // receiver that refuses old timestamps (and a captured call cannot be replayed).
    const { body } = notification;
    const headers = {
      "content-type": "application/json",
      "user-agent": "EventFlow-Alerts/1",
      "idempotency-key": notification.id,
      "x-eventflow-rule": notification.rule,
    };
    return await deliverHttp(() => ({
      url: opts.url,
      headers: { ...headers, ...signatureHeaders(opts.secret, body, now()) },
      body,
    }), opts.delivery);
  };
  return { id, notify, send: (alert: Alert) => notify(eventNotification(alert, now())) };
}
