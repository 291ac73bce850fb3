/** The model's output: one shop event in EventFlow's own tracking format, plus its time. */
import type { Platform } from "./agents.ts";

/** Context sent with every event (Segment-style names, which ingest keeps as-is). */
export interface EventContext {
  ip: string;
  userAgent: string;
  locale: string;
  timezone: string;
  page?: { url: string; path: string; title: string; referrer: string | null; search: string };
  screen?: { name: string };
  campaign?: { source: string; medium: string; name: string; term?: string; content?: string };
  app?: { name: string; version: string; namespace: string };
  device?: { type: string };
  library: { name: string; version: string };
}

/** One event as the shop's SDKs would send it to `POST /api/v1/event`. */
export interface ShopEvent {
  /** Client-made idempotency key; the freshness probe looks rows up by it. */
  event_id: string;
  event_type: string;
  user_id: string | null;
  anonymous_id: string;
  session_id: string;
  event_data: Record<string, unknown>;
  /** ISO-8601 UTC time the event happened. */
  timestamp: string;
  platform: Platform;
  url: string | null;
  referrer: string | null;
  context: EventContext;
  /** For identify calls: the user's traits. */
  traits?: Record<string, unknown>;
}

/** Conversion rates of the purchase funnel; each is conditional on reaching the step before. */
export interface FunnelRates {
  /** Viewers who search. */
  search: number;
  /** Searchers who click a product. */
  productClick: number;
  /** Clickers who add to cart. */
  addToCart: number;
  /** Cart adders who buy (first-time buyers; repeat buyers get `repeatBuyerMultiplier`). */
  purchase: number;
}

/** The funnel's step names as emitted in `event_type`: the vocabulary's `FUNNEL_STEPS`. */
export type { FunnelStep } from "../../../shared/events/vocabulary.ts";
