/**
 * Marketing step: UTM parameters, ad click ids, referrer channel and active campaigns.
 */
import type { EnrichedEvent, Marketing } from "../../shared/events/mod.ts";
import { classifyChannel, CLICK_IDS } from "./referrer.ts";
import type { Step } from "./types.ts";
import { parsePageUrl } from "./_url.ts";

/** A campaign row: it matches events in [starts_at, ends_at) whose UTM campaign equals. */
export interface Campaign {
  name: string;
  /** null matches every event. */
  utm_campaign: string | null;
  /** When set, only events of this channel match. */
  channel: string | null;
  starts_at: number;
  ends_at: number;
}

/** The current campaign list, or null while it could not be loaded yet. */
export interface CampaignSource {
  current(): Campaign[] | null;
}

function parseUrl(value: unknown): URL | null {
  try {
    return value === null || value === undefined ? null : new URL(String(value));
  } catch {
    return null;
  }
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

/** The page URL and referrer of an event: top-level fields, else Segment's `context.page`. */
export function pageOf(event: EnrichedEvent): { url: URL | null; referrer: URL | null } {
  const page = record(event.context.page);
  return {
    // Apps often send the page as a bare path: its query string still carries the UTM tags.
    url: parsePageUrl(event.url)?.url ?? parsePageUrl(page.url)?.url ?? null,
    // A referrer is only useful with its host, so a bare path is no referrer.
    referrer: parseUrl(event.referrer) ?? parseUrl(page.referrer),
  };
}

/** UTM parameters, click id and channel of an event (campaigns left empty). */
export function attribution(event: EnrichedEvent): Marketing {
  const { url, referrer } = pageOf(event);
  const q = url?.searchParams;
  const campaign = record(event.context.campaign);
  const utm = (name: string, segmentName: string) =>
    text(q?.get(`utm_${name}`)) ?? text(campaign[segmentName]) ?? text(campaign[`utm_${name}`]);
  let clickIdType: string | null = null;
  let clickId: string | null = null;
  for (const name of Object.keys(CLICK_IDS)) {
    const value = text(q?.get(name)) ?? text(campaign[name]);
    if (value !== null) {
      clickIdType = name;
      clickId = value;
      break;
    }
  }
  const utmSource = utm("source", "source");
  const utmMedium = utm("medium", "medium");
  const referrerHost = referrer?.hostname || null;
  const { channel, source } = classifyChannel({
    clickIdType,
    utmSource,
    utmMedium,
    referrerHost,
    pageHost: url?.hostname || null,
  });
  return {
    utm_source: utmSource,
    utm_medium: utmMedium,
    utm_campaign: utm("campaign", "name"),
    utm_term: utm("term", "term"),
    utm_content: utm("content", "content"),
    click_id_type: clickIdType,
    click_id: clickId,
    channel,
    referrer_source: source,
    referrer_host: referrerHost,
    campaigns: [],
  };
}

/** Names of the campaigns active at `at` (ms) that match the event's UTM campaign and channel. */
export function matchCampaigns(campaigns: Campaign[], at: number, marketing: Marketing): string[] {
  return campaigns
    .filter((c) => c.starts_at <= at && at < c.ends_at)
    .filter((c) => c.utm_campaign === null || c.utm_campaign === marketing.utm_campaign)
    .filter((c) => c.channel === null || c.channel === marketing.channel)
    .map((c) => c.name);
}

/** Adds attribution and the active campaigns at the event time. */
export function marketingStep(campaigns: CampaignSource): Step {
  return {
    name: "marketing",
    run(event) {
      const marketing = attribution(event);
      const list = campaigns.current();
      if (list === null) {
        return {
          patch: { marketing },
          error: "Campaign list is not loaded yet (PostgreSQL unreachable?)",
        };
      }
      const at = Date.parse(event.timestamp);
      return {
        patch: { marketing: { ...marketing, campaigns: matchCampaigns(list, at, marketing) } },
      };
    },
  };
}
