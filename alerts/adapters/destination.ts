/**
 * The destination interface every adapter implements, and the registry built from config.
 */
import type { Alert } from "../core/format.ts";
import type { Notification } from "../core/notification.ts";
import type { DeliveryOptions, DeliveryResult } from "./http_delivery.ts";
import { createWebhookDestination } from "./webhook.ts";
import { createTelegramDestination } from "./telegram.ts";

/** Somewhere alerts go, e.g. `webhook:crm` or `telegram:default`. */
export interface Destination {
  /** `<kind>:<name>`, as rules name it; also the metrics label. */
  id: string;
  /** Sends one event alert with bounded retries; resolves with the outcome, never throws. */
  send(alert: Alert): Promise<DeliveryResult>;
  /** Sends any notification (e.g. an operations alert) the same way. */
  notify(notification: Notification): Promise<DeliveryResult>;
}

/** The destinations part of the configuration. */
export interface DestinationsConfig {
  webhooks?: Record<string, { url: string; secret: string; timeout_ms?: number }>;
  telegram?: { apiUrl: string; token: string; chats: Record<string, string> };
}

/** Options of {@link createDestinations}. */
export interface CreateDestinationsOptions {
  /** Retry policy and clock shared by every destination. */
  delivery?: DeliveryOptions;
  /** Told before each retry wait, with the destination id. */
  onRetry?: (destination: string, attempt: number, delayMs: number, failure: string) => void;
}

/** Builds every configured destination, keyed by id. */
export function createDestinations(
  config: DestinationsConfig,
  opts: CreateDestinationsOptions = {},
): Map<string, Destination> {
  const all = new Map<string, Destination>();
  const delivery = (id: string, timeoutMs?: number): DeliveryOptions => ({
    ...opts.delivery,
    timeoutMs: timeoutMs ?? opts.delivery?.timeoutMs,
    onRetry: (attempt, delayMs, failure) => opts.onRetry?.(id, attempt, delayMs, failure),
  });
  for (const [name, spec] of Object.entries(config.webhooks ?? {})) {
    const id = `webhook:${name}`;
    all.set(
      id,
      createWebhookDestination(name, { ...spec, delivery: delivery(id, spec.timeout_ms) }),
    );
  }
  const telegram = config.telegram;
  for (const [name, chatId] of Object.entries(telegram?.chats ?? {})) {
    const id = `telegram:${name}`;
    all.set(id, createTelegramDestination(name, { ...telegram!, chatId, delivery: delivery(id) }));
  }
  return all;
}
