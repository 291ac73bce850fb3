/**
 * Telegram destination: the Bot API's sendMessage with the alert's human text.
 */
import type { Alert } from "../core/format.ts";
import { eventNotification, type Notification } from "../core/notification.ts";
import type { Destination } from "./destination.ts";
import { deliverHttp, type DeliveryOptions } from "./http_delivery.ts";

/** Options of {@link createTelegramDestination}. */
export interface TelegramOptions {
  /** Bot API base URL, `https://api.telegram.org` in production. */
  apiUrl: string;
  token: string;
  chatId: string;
  delivery?: DeliveryOptions;
}

/** Telegram answers 429 with `{"parameters":{"retry_after":N}}`; use it as Retry-After. */
export function telegramRetryAfter(body: string): string | null {
  try {
    const seconds = (JSON.parse(body) as { parameters?: { retry_after?: unknown } })
      ?.parameters?.retry_after;
    return typeof seconds === "number" ? String(seconds) : null;
  } catch {
    return null;
  }
}

/** A `telegram:<name>` destination. */
export function createTelegramDestination(name: string, opts: TelegramOptions): Destination {
  const url = `${opts.apiUrl.replace(/\/+$/, "")}/bot${opts.token}/sendMessage`;
  // The token is a credential: it must never reach logs or dead-letter records.
  const redact = (text: string) => text.replaceAll(opts.token, "<token>");
  const notify = (notification: Notification) => {
    const body = JSON.stringify({
      chat_id: opts.chatId,
      text: notification.text,
      disable_web_page_preview: true,
    });
    const headers = { "content-type": "application/json", "idempotency-key": notification.id };
    return deliverHttp(() => ({ url, headers, body }), {
      ...opts.delivery,
      redact,
      retryAfterFromBody: telegramRetryAfter,
    });
  };
  const now = opts.delivery?.now ?? (() => new Date());
  return {
    id: `telegram:${name}`,
    notify,
    send: (alert: Alert) => notify(eventNotification(alert, now())),
  };
}
